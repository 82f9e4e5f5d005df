"""A network namespace named by its path, and commands run inside it with nsenter."""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass

from mirrorcheck.faults.model import FaultError

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class NetNamespace:
    """A network namespace, given as a path such as /proc/PID/ns/net or /run/netns/NAME."""

    path: str

    @classmethod
    def named(cls, name: str) -> NetNamespace:
        """Return the namespace that `ip netns add NAME` created."""
        return cls(path=f"/run/netns/{name}")

    @classmethod
    def of_process(cls, pid: int) -> NetNamespace:
        return cls(path=f"/proc/{pid}/ns/net")

    def identity(self) -> tuple[int, int]:
        """Return (device, inode) of the namespace, which two paths to it share."""
        try:
            status = os.stat(self.path)
        except OSError as error:
            raise FaultError(
                f"network namespace {self.path} not found ({error.strerror}); "
                "check that the process or the named namespace still exists"
            ) from None
        return status.st_dev, status.st_ino

    def exists(self) -> bool:
        return os.path.exists(self.path)

    def contains_process(self, pid: int) -> bool:
        """Return whether process pid lives in this namespace; False when it has exited."""
        try:
            status = os.stat(f"/proc/{pid}/ns/net")
        except OSError:
            return False
        return (status.st_dev, status.st_ino) == self.identity()

    def command(self, argv: list[str]) -> list[str]:
        """Return argv prefixed so that it runs in this namespace (and no other)."""
        return ["nsenter", f"--net={self.path}", "--", *argv]

    def run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run argv in this namespace and return its result; raise FaultError when it fails
        and check is set."""
        self.identity()
        full = self.command(argv)
        log.debug("running in %s: %s", self.path, " ".join(argv))
        try:
            result = subprocess.run(full, capture_output=True, text=True,
                                    timeout=COMMAND_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise FaultError(
                f"command {' '.join(argv)!r} in {self.path} timed out after "
                f"{COMMAND_TIMEOUT_SECONDS:.0f} s; check for a held xtables lock"
            ) from None
        if check and result.returncode != 0:
            raise FaultError(
                f"command {' '.join(argv)!r} in {self.path} failed with exit code "
                f"{result.returncode}, expected 0: {result.stderr.strip()}"
            )
        return result


def require_root() -> None:
    """Raise FaultError unless this process may enter namespaces and change netfilter."""
    if os.geteuid() != 0:
        raise FaultError("outages need root (nsenter, iptables); run the suite as root")


def is_loopback_up(netns: NetNamespace) -> bool:
    """Return whether lo is up in netns, which nat REDIRECT to the proxy needs."""
    result = netns.run(["ip", "-o", "link", "show", "dev", "lo"], check=False)
    return result.returncode == 0 and ",UP" in result.stdout

