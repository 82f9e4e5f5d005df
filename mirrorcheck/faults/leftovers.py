"""Finding and removing what outages left behind: tagged rules, proxies, hosts edits.

No outage kind adds a qdisc: this kernel has no netem, so the slow kind paces traffic in
the fault proxy, and there is no qdisc to find.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

from mirrorcheck.faults import hosts, iptables
from mirrorcheck.faults.model import Leftover, comment_for
from mirrorcheck.faults.namespace import NetNamespace
from mirrorcheck.faults.proxy_process import PROXY_MODULE

log = logging.getLogger(__name__)


def _proxy_run_id(pid: int) -> str | None:
    """Return the --run-id of process pid when it is a fault proxy, else None."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    words = [word.decode(errors="replace") for word in argv]
    if PROXY_MODULE not in words or "--run-id" not in words:
        return None
    position = words.index("--run-id")
    return words[position + 1] if position + 1 < len(words) else None


def proxy_pids(netns: NetNamespace, run_id: str | None = None) -> list[int]:
    """Return the pids of fault proxies in netns, of run_id or of any run when None."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        found = _proxy_run_id(pid)
        if found is None or (run_id is not None and found != run_id):
            continue
        if netns.contains_process(pid):
            pids.append(pid)
    return pids


def remaining(netns: NetNamespace, run_id: str | None = None,
              hosts_file: Path | None = None) -> list[Leftover]:
    """Return the iptables rules, proxy processes and (with hosts_file) hidden hosts entries
    of run_id, or of any mirrorcheck run when run_id is None, that are still in place."""
    comment = comment_for(run_id) if run_id is not None else None
    found = []
    if netns.exists():
        found += [Leftover("iptables", rule.describe())
                  for rule in iptables.list_tagged(netns, comment)]
        found += [Leftover("proxy", f"pid {pid}") for pid in proxy_pids(netns, run_id)]
    if hosts_file is not None:
        found += [Leftover("hosts", line) for line in hosts.list_hidden(hosts_file, comment)]
    return found


def sweep(netns: NetNamespace, run_id: str | None = None,
          hosts_file: Path | None = None) -> list[Leftover]:
    """Remove what remaining() lists for the same arguments and return what was removed."""
    comment = comment_for(run_id) if run_id is not None else None
    removed = []
    if netns.exists():
        for rule in iptables.list_tagged(netns, comment):
            if iptables.delete(netns, rule):
                removed.append(Leftover("iptables", rule.describe()))
        for pid in proxy_pids(netns, run_id):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            log.warning("killed leftover fault proxy pid %d in %s", pid, netns.path)
            removed.append(Leftover("proxy", f"pid {pid}"))
    if hosts_file is not None:
        markers = {comment} if comment else hosts.markers_in(hosts_file)
        for marker in markers:
            lines = hosts.list_hidden(hosts_file, marker)
            hosts.restore_names(hosts_file, marker)
            removed += [Leftover("hosts", line) for line in lines]
    if removed:
        log.warning("swept %d leftovers in %s: %s", len(removed), netns.path,
                    "; ".join(item.detail for item in removed))
    return removed
