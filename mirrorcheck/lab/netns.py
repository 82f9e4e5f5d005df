"""Commands run inside a lab container's network namespace, from the host."""

from __future__ import annotations

import logging
import subprocess

from mirrorcheck.errors import LabError

log = logging.getLogger(__name__)


def netns_path(pid: int) -> str:
    return f"/proc/{pid}/ns/net"


def run_in(pid: int, command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    """Run a host binary inside the network namespace of process pid."""
    result = subprocess.run(["nsenter", f"--net={netns_path(pid)}", "--", *command],
                            capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise LabError(
            f"'{' '.join(command)}' in the network namespace of pid {pid} failed with exit code "
            f"{result.returncode}: {result.stderr.strip()}"
        )
    return result


def remove_default_route(pid: int) -> None:
    """Delete the default route docker gives even to internal networks: no route leaves the lab."""
    routes = run_in(pid, ["ip", "-4", "route", "show", "default"]).stdout
    if routes.strip():
        run_in(pid, ["ip", "-4", "route", "del", "default"])
    routes6 = run_in(pid, ["ip", "-6", "route", "show", "default"], check=False).stdout
    if routes6.strip():
        run_in(pid, ["ip", "-6", "route", "del", "default"], check=False)


def attach_name(name: str, pid: int) -> None:
    """Name the network namespace of pid (`ip netns attach`), so tools can find it."""
    result = subprocess.run(["ip", "netns", "attach", name, str(pid)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LabError(f"'ip netns attach {name} {pid}' failed: {result.stderr.strip()}")


EGRESS_GUARD_COMMENT = "mirrorcheck-egress-guard"


def install_egress_guard(pid: int, lab_subnet: str) -> None:
    """Drop and count every packet that is not for loopback or the lab subnet.

    The namespace has no default route already. The guard turns any leak that a future route
    or a misconfiguration would allow into a non-zero counter instead of traffic.
    """
    rules = (
        ["-o", "lo", "-j", "ACCEPT"],
        # A nat REDIRECT to a local fault proxy rewrites the destination to 127.0.0.1 but
        # leaves eth0 as the output interface in the filter chain.
        ["-d", "127.0.0.0/8", "-j", "ACCEPT"],
        ["-d", lab_subnet, "-j", "ACCEPT"],
        ["-m", "comment", "--comment", EGRESS_GUARD_COMMENT, "-j", "DROP"],
    )
    for rule in rules:
        run_in(pid, ["iptables", "-w", "-A", "OUTPUT", *rule])


def egress_packets_dropped(pid: int) -> int:
    """Return how many packets the egress guard of pid's namespace has dropped."""
    listing = run_in(pid, ["iptables", "-w", "-L", "OUTPUT", "-v", "-x", "-n"]).stdout
    for line in listing.splitlines():
        if EGRESS_GUARD_COMMENT in line:
            return int(line.split()[0])
    raise LabError(f"no egress guard found in the network namespace of pid {pid}")
