"""A second, real dockerd beside the host's: own state, own mounts, chosen network namespace.

The host's dockerd binary runs with the daemon.json under test. It gets a private mount
namespace (`unshare --mount`) in which the lab's hosts file, an empty resolv.conf and a lab
/etc/docker are bind-mounted, and it joins a given network namespace with `nsenter --net`, or a
new empty one. `ip netns exec` is not used: it remounts /sys, which hides the cgroup mounts that
dockerd needs ("Devices cgroup isn't mounted").
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from mirrorcheck.errors import LabError

log = logging.getLogger(__name__)

# Keys the lab sets as dockerd flags. dockerd rejects a key given both as a flag and in the
# file, and honouring them from the file would share state with the host's daemon.
LAB_OWNED_KEYS = (
    "data-root", "graph", "exec-root", "pidfile", "hosts", "bridge", "iptables", "ip6tables",
    "containerd", "containerd-namespace", "containerd-plugin-namespace",
)
STOP_TIMEOUT = 15.0


def dockerd_binary() -> str:
    """Return the path of the host's dockerd binary, raising LabError when there is none."""
    path = shutil.which("dockerd")
    if path is None:
        raise LabError(
            "dockerd is not on PATH; install Debian's docker.io (python -m mirrorcheck.provision "
            "does it as root) or put Docker Engine's dockerd on PATH"
        )
    return path


def engine_version(binary: str | None = None) -> str:
    """Return the version of the dockerd binary, e.g. '20.10.24+dfsg1'."""
    output = subprocess.run(
        [binary or dockerd_binary(), "--version"], capture_output=True, text=True, check=False
    ).stdout
    # "Docker version 20.10.24+dfsg1, build 5d6db84"
    words = output.replace(",", " ").split()
    return words[2] if len(words) > 2 else output.strip()


def split_lab_owned(config: dict) -> tuple[dict, dict]:
    """Split a daemon.json object into what dockerd gets and the keys the lab owns."""
    kept = {key: value for key, value in config.items() if key not in LAB_OWNED_KEYS}
    dropped = {key: value for key, value in config.items() if key in LAB_OWNED_KEYS}
    return kept, dropped


@dataclass
class DaemonLayout:
    """Files and directories of one dockerd, all under one root directory."""

    root: Path
    config_text: str
    hosts_text: str = "127.0.0.1\tlocalhost\n::1\tlocalhost\n"
    ca_files: dict[str, bytes] = field(default_factory=dict)
    ca_bundle: bytes | None = None

    @property
    def socket(self) -> Path:
        return self.root / "docker.sock"

    @property
    def etc_docker(self) -> Path:
        return self.root / "etc-docker"

    @property
    def hosts_file(self) -> Path:
        return self.root / "hosts"

    @property
    def log_file(self) -> Path:
        return self.root / "dockerd.log"

    def write(self) -> None:
        """Create the directories and files the daemon's mounts and flags point at."""
        for name in ("data", "exec", "etc-docker"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        (self.etc_docker / "daemon.json").write_text(self.config_text)
        self.hosts_file.write_text(self.hosts_text)
        (self.root / "resolv.conf").write_text("# mirrorcheck lab: no resolver on purpose\n")
        for host, pem in self.ca_files.items():
            directory = self.etc_docker / "certs.d" / host
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "ca.crt").write_bytes(pem)
        if self.ca_bundle is not None:
            (self.root / "ca-bundle.crt").write_bytes(self.ca_bundle)


def _launch_script(layout: DaemonLayout, binary: str, empty_network: bool) -> str:
    root = layout.root
    bring_up_loopback = "ip link set lo up && " if empty_network else ""
    return (
        f"{bring_up_loopback}"
        f"mount --bind {root}/hosts /etc/hosts && "
        f"mount --bind {root}/resolv.conf /etc/resolv.conf && "
        f"mount --bind {root}/etc-docker /etc/docker && "
        f"exec {binary} --config-file /etc/docker/daemon.json "
        f"--data-root {root}/data --exec-root {root}/exec --pidfile {root}/dockerd.pid "
        f"--host unix://{layout.socket} --bridge none --iptables=false "
        f"--containerd-namespace mirrorcheck --containerd-plugins-namespace mirrorcheck-plugins"
    )


def _clean_environment(layout: DaemonLayout) -> dict[str, str]:
    # No proxy variables and no DOCKER_* settings leak in: they could send pulls out of the lab.
    environment = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "HOME": "/root"}
    if layout.ca_bundle is not None:
        # The official endpoint trusts only the system roots, never certs.d, so the lab CA must
        # be in the bundle that Go's crypto/x509 reads.
        environment["SSL_CERT_FILE"] = str(layout.root / "ca-bundle.crt")
        environment["SSL_CERT_DIR"] = str(layout.root / "no-cert-dir")
    return environment


class DaemonProcess:
    """One running dockerd; start() waits until its socket responds or the process exits."""

    def __init__(self, layout: DaemonLayout, netns_path: str | None = None) -> None:
        self.layout = layout
        self.netns_path = netns_path
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def command(self) -> list[str]:
        binary = dockerd_binary()
        if self.netns_path is None:
            prefix = ["unshare", "--mount", "--propagation", "private", "--net"]
        else:
            prefix = ["nsenter", f"--net={self.netns_path}", "--",
                      "unshare", "--mount", "--propagation", "private"]
        script = _launch_script(self.layout, binary, empty_network=self.netns_path is None)
        return [*prefix, "--", "/bin/sh", "-c", script]

    def start(self, timeout: float) -> None:
        """Start dockerd and wait for its API, raising LabError with its output if it fails."""
        self.layout.write()
        with self.layout.log_file.open("ab") as log_file:
            self.process = subprocess.Popen(
                self.command(), stdout=log_file, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=_clean_environment(self.layout),
                start_new_session=True,
            )
        (self.layout.root / "launcher.pid").write_text(str(self.process.pid))
        log.info("started dockerd pid %s in %s", self.process.pid, self.layout.root)

        if not self.wait_until_ready(timeout):
            output = self.output()
            self.stop()
            raise LabError(
                f"the daemon under test did not respond on {self.layout.socket} within "
                f"{timeout:.0f} s; dockerd printed:\n{output[-2000:]}"
            )

    def wait_until_ready(self, timeout: float) -> bool:
        """Poll the API socket until it responds (True), the process exits, or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if ping_socket(self.layout.socket):
                return True
            time.sleep(0.1)
        return False

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def output(self) -> str:
        """Return what dockerd printed so far."""
        try:
            return self.layout.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Stop dockerd and its children (SIGTERM, then SIGKILL after STOP_TIMEOUT)."""
        if self.process is None:
            return
        stop_process_group(self.process.pid, STOP_TIMEOUT)
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            log.warning("dockerd pid %s is still running after SIGKILL", self.process.pid)


def stop_process_group(pgid: int, timeout: float) -> None:
    """Send SIGTERM to a process group, then SIGKILL when it outlives timeout."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        _reap(pgid)
        time.sleep(0.1)
    log.warning("process group %s ignored SIGTERM for %.0f s, sending SIGKILL", pgid, timeout)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def ping_socket(path: Path) -> bool:
    """Return whether a Docker API responds OK to `GET /_ping` on the unix socket at path."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(2)
            client.connect(str(path))
            client.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return b"OK" in client.recv(4096)
    except OSError:
        return False


def config_text_for_lab(text: str, config: dict) -> tuple[str, dict]:
    """Return the daemon.json text the lab gives dockerd, and the lab-owned keys it dropped.

    The text is the file verbatim unless it sets a lab-owned key.
    """
    kept, dropped = split_lab_owned(config)
    if not dropped:
        return text, {}
    return json.dumps(kept, indent=2) + "\n", dropped
