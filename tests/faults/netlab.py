"""A two-namespace network for the fault tests: a client and a real registry behind a veth.

The client namespace has a holder process with a private mount namespace, where a hosts
file from the lab directory is bind-mounted over /etc/hosts, as in the lab's daemon under
test. The server namespace runs Debian's docker-registry twice on one storage: plain HTTP
on REGISTRY_HTTP_PORT and TLS (a trustme CA) on REGISTRY_TLS_PORT.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import trustme

from mirrorcheck.faults import Hop, NetNamespace, TlsMaterial

log = logging.getLogger(__name__)

CLIENT_IP = "10.213.200.1"
SERVER_IP = "10.213.200.2"
PREFIX_LENGTH = 30
REGISTRY_HTTP_PORT = 5000
REGISTRY_TLS_PORT = 443
REGISTRY_NAME = "registry.mcf.test"
ALIAS_NAME = "alias.mcf.test"
REPOSITORY = "mcf/app"
TAG = "v1"
LAYER_SIZE = 256 * 1024
START_TIMEOUT_SECONDS = 20.0
HERE = Path(__file__).resolve().parent


def run(argv: list[str], timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """Run argv on the host and raise with its stderr when it fails."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed with exit code {result.returncode}: "
                           f"{result.stderr.strip()}")
    return result


@dataclass(frozen=True)
class CurlResult:
    """What curl reported: exit code, error message, HTTP status, body and total time."""

    exit_code: int
    error: str
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


@dataclass
class NetLab:
    """The running network; cleanups run in reverse order in close()."""

    directory: Path
    suffix: str
    ca: trustme.CA = field(default_factory=trustme.CA)
    cleanups: list = field(default_factory=list)
    holder: subprocess.Popen | None = None
    image: dict = field(default_factory=dict)
    calls: int = 0

    @property
    def client_ns(self) -> str:
        return f"mcf-{self.suffix}-c"

    @property
    def server_ns(self) -> str:
        return f"mcf-{self.suffix}-s"

    @property
    def hosts_file(self) -> Path:
        return self.directory / "hosts"

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def netns(self) -> NetNamespace:
        """The client's namespace, named through the holder as the lab names a container's."""
        return NetNamespace.of_process(self.holder.pid)

    @property
    def tls_hop(self) -> Hop:
        return Hop(ip=SERVER_IP, port=REGISTRY_TLS_PORT, tls=True, host_name=REGISTRY_NAME)

    @property
    def http_hop(self) -> Hop:
        return Hop(ip=SERVER_IP, port=REGISTRY_HTTP_PORT, tls=False, host_name=REGISTRY_NAME)

    @property
    def tls_material(self) -> TlsMaterial:
        return TlsMaterial(self.ca.cert_pem.bytes(), self.ca.private_key_pem.bytes())

    def close(self) -> None:
        while self.cleanups:
            cleanup = self.cleanups.pop()
            try:
                cleanup()
            except Exception:  # noqa: BLE001 (every cleanup must get its turn)
                log.exception("netlab cleanup %r failed", cleanup)

    def build(self) -> None:
        self._create_namespaces()
        self._write_files()
        self._start_holder()
        self._start_registries()
        self._push_image()

    def _create_namespaces(self) -> None:
        for name in (self.client_ns, self.server_ns):
            run(["ip", "netns", "add", name])
            self.cleanups.append(lambda name=name: run(["ip", "netns", "del", name]))
            run(["ip", "-n", name, "link", "set", "lo", "up"])
        client_end, server_end = f"mcf{self.suffix}c", f"mcf{self.suffix}s"
        # Created inside the client namespace, so no end of the pair is ever in the host's.
        run(["ip", "-n", self.client_ns, "link", "add", client_end, "type", "veth",
             "peer", "name", server_end, "netns", self.server_ns])
        for name, end, address in ((self.client_ns, client_end, CLIENT_IP),
                                   (self.server_ns, server_end, SERVER_IP)):
            run(["ip", "-n", name, "addr", "add", f"{address}/{PREFIX_LENGTH}", "dev", end])
            run(["ip", "-n", name, "link", "set", end, "up"])

    def _write_files(self) -> None:
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        server = self.ca.issue_cert(REGISTRY_NAME, SERVER_IP)
        server.cert_chain_pems[0].write_to_path(str(self.directory / "server.pem"))
        server.private_key_pem.write_to_path(str(self.directory / "server-key.pem"))
        self.hosts_file.write_text(
            "127.0.0.1 localhost\n"
            f"{SERVER_IP} {REGISTRY_NAME} {ALIAS_NAME}\n"
        )
        (self.directory / "storage").mkdir()

    def _start_holder(self) -> None:
        script = f"mount --bind {self.hosts_file} /etc/hosts && exec sleep infinity"
        self.holder = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{self.client_ns}", "unshare", "-m",
             "--propagation", "private", "sh", "-c", script])
        self.cleanups.append(self._stop_holder)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        mountinfo = Path(f"/proc/{self.holder.pid}/mountinfo")
        while " /etc/hosts " not in mountinfo.read_text():
            if time.monotonic() > deadline or self.holder.poll() is not None:
                raise RuntimeError("the client holder did not bind-mount the hosts file")
            time.sleep(0.05)

    def _stop_holder(self) -> None:
        self.holder.kill()
        self.holder.wait()

    def _registry_config(self, name: str, address: str, tls: bool) -> Path:
        lines = [
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {self.directory / 'storage'}",
            "http:",
            f"  addr: {address}",
            "  secret: mirrorcheck-fault-tests",
        ]
        if tls:
            lines += ["  tls:",
                      f"    certificate: {self.directory / 'server.pem'}",
                      f"    key: {self.directory / 'server-key.pem'}"]
        path = self.directory / f"{name}.yml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def _start_registries(self) -> None:
        for name, port, tls in (("http", REGISTRY_HTTP_PORT, False),
                                ("tls", REGISTRY_TLS_PORT, True)):
            config = self._registry_config(name, f"{SERVER_IP}:{port}", tls)
            log_file = (self.directory / f"registry-{name}.log").open("wb")
            process = subprocess.Popen(
                ["nsenter", f"--net=/run/netns/{self.server_ns}", "/usr/bin/docker-registry",
                 "serve", str(config)], stdout=log_file, stderr=subprocess.STDOUT)
            self.cleanups.append(lambda process=process, log_file=log_file:
                                 self._stop_process(process, log_file))
        for hop in (self.http_hop, self.tls_hop):
            self._await_registry(hop)

    @staticmethod
    def _stop_process(process: subprocess.Popen, log_file) -> None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()

    def _await_registry(self, hop: Hop) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            result = self.curl(self.url(hop, "/v2/"), max_time=2)
            if result.status == 200:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"registry {self.url(hop, '/v2/')} not ready within "
                                   f"{START_TIMEOUT_SECONDS:.0f} s: {result}")
            time.sleep(0.1)

    def _push_image(self) -> None:
        result = run(["nsenter", f"--net=/run/netns/{self.server_ns}", sys.executable,
                      str(HERE / "push_image.py"),
                      f"http://{SERVER_IP}:{REGISTRY_HTTP_PORT}", REPOSITORY, TAG,
                      str(LAYER_SIZE)])
        self.image = json.loads(result.stdout)

    def url(self, hop: Hop, path: str) -> str:
        scheme = "https" if hop.tls else "http"
        return f"{scheme}://{hop.host_name}:{hop.port}{path}"

    def client_command(self, argv: list[str]) -> list[str]:
        """Return argv prefixed to run in the client's network and mount namespaces."""
        return ["nsenter", "-t", str(self.holder.pid), "-n", "-m", "--", *argv]

    def curl(self, url: str, *options: str, max_time: float = 10,
             connect_timeout: float | None = None) -> CurlResult:
        """Run curl as the client, trusting the lab CA, and return what it reported."""
        self.calls += 1
        body_file = self.directory / f"curl-{self.calls}.body"
        header_file = self.directory / f"curl-{self.calls}.headers"
        argv = ["curl", "-sS", "--cacert", str(self.ca_file), "--max-time", str(max_time),
                "-o", str(body_file), "-D", str(header_file), "-w", "%{json}", *options]
        if connect_timeout is not None:
            argv += ["--connect-timeout", str(connect_timeout)]
        result = subprocess.run(self.client_command([*argv, url]), capture_output=True,
                                text=True, timeout=max_time + 30)
        report = json.loads(result.stdout or "{}")
        body = body_file.read_bytes() if body_file.exists() else b""
        headers = _parse_headers(header_file.read_text() if header_file.exists() else "")
        for path in (body_file, header_file):
            path.unlink(missing_ok=True)
        return CurlResult(exit_code=result.returncode, error=result.stderr.strip(),
                          status=int(report.get("http_code", 0)), headers=headers, body=body,
                          seconds=float(report.get("time_total", 0.0)))

    def connect_error(self, hop: Hop, timeout: float = 5) -> str:
        """Open a TCP connection to hop as the client; return the errno name, or "connected"."""
        script = (
            "import errno, socket, sys\n"
            "try:\n"
            f"    socket.create_connection(({hop.ip!r}, {hop.port}), timeout={timeout}).close()\n"
            "    print('connected')\n"
            "except socket.timeout:\n"
            "    print('timeout')\n"
            "except OSError as error:\n"
            "    print(errno.errorcode.get(error.errno, str(error)))\n"
        )
        result = subprocess.run(self.client_command([sys.executable, "-c", script]),
                                capture_output=True, text=True, timeout=timeout + 30)
        return result.stdout.strip() or result.stderr.strip()


def _parse_headers(text: str) -> dict[str, str]:
    """Return the last response's headers, names in lower case."""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("HTTP/"):
            headers = {}
        elif ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return headers


def build(directory: Path) -> NetLab:
    """Build a NetLab in directory; on failure, remove what was built and re-raise."""
    lab = NetLab(directory=directory, suffix=os.urandom(3).hex())
    try:
        lab.build()
    except BaseException:
        lab.close()
        raise
    return lab
