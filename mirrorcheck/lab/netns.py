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
