"""Starting the fault proxy inside a namespace, waiting until it listens, and stopping it."""

from __future__ import annotations

import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mirrorcheck.faults.model import FaultError, Hop, Kind, SlowLink, TlsMaterial
from mirrorcheck.faults.namespace import NetNamespace
from mirrorcheck.faults.proxy import READY_PREFIX

log = logging.getLogger(__name__)

PROXY_MODULE = "mirrorcheck.faults.proxy"
# A generous bound: the proxy is ready in well under a second on an idle machine.
READY_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 5.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ProxyProcess:
    """A running fault proxy in netns; stop() kills its whole process group."""

    def __init__(self, netns: NetNamespace, run_id: str, kind: Kind, hop: Hop,
                 tls: TlsMaterial | None, slow: SlowLink) -> None:
        self.netns = netns
        self.run_id = run_id
        self.kind = kind
        self.hop = hop
        self.tls = tls
        self.slow = slow
        self.process: subprocess.Popen[bytes] | None = None
        self.log_file = None
        self.port = 0
        self.final_log = ""

    def _config_json(self) -> bytes:
        tls = self.tls or TlsMaterial(b"", b"")
        return json.dumps({
            "run_id": self.run_id,
            "kind": self.kind.value,
            "hop": {"ip": self.hop.ip, "port": self.hop.port, "tls": self.hop.tls,
                    "host_name": self.hop.host_name},
            "ca_cert_pem": tls.ca_cert_pem.decode(),
            "ca_key_pem": tls.ca_key_pem.decode(),
            "delay_ms": self.slow.delay_ms,
            "rate_kbit": self.slow.rate_kbit,
            "parent_pid": os.getpid(),
        }).encode()

    def start(self) -> int:
        """Start the proxy, wait for its READY line and return the port it listens on."""
        argv = self.netns.command([sys.executable, "-m", PROXY_MODULE, "--run-id", self.run_id])
        # An unlinked temporary file leaves nothing on disk, and unlike an unread pipe it never
        # fills up and blocks the proxy's logging.
        self.log_file = tempfile.TemporaryFile(prefix="mirrorcheck-proxy-")
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log_file,
            env=environment, start_new_session=True,
        )
        log.info("started fault proxy pid %d for %s in %s", self.process.pid,
                 self.kind.value, self.netns.path)
        self.process.stdin.write(self._config_json())
        self.process.stdin.close()
        self.port = self._await_ready()
        return self.port

    def _await_ready(self) -> int:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while (remaining := deadline - time.monotonic()) > 0:
                if not selector.select(remaining):
                    break
                line = self.process.stdout.readline().decode().strip()
                if line.startswith(READY_PREFIX):
                    return int(line.removeprefix(READY_PREFIX))
                if not line and self.process.poll() is not None:
                    raise FaultError(
                        f"fault proxy for {self.kind.value} exited with code "
                        f"{self.process.returncode} before it was ready; its log: "
                        f"{self.log_text() or '(empty)'}"
                    )
        raise FaultError(
            f"fault proxy for {self.kind.value} printed no {READY_PREFIX.strip()} line within "
            f"{READY_TIMEOUT_SECONDS:.0f} s; its log: {self.log_text() or '(empty)'}"
        )

    def log_text(self) -> str:
        """Return what the proxy wrote to stderr so far."""
        if self.log_file is None:
            return ""
        self.log_file.seek(0)
        return self.log_file.read().decode(errors="replace").strip()

    def stop(self) -> None:
        """Kill the proxy's process group and reap it; a proxy already gone is fine."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("fault proxy pid %d ignored SIGTERM for %.0f s; sending SIGKILL",
                        self.process.pid, STOP_TIMEOUT_SECONDS)
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        log.info("stopped fault proxy pid %d (exit code %s)", self.process.pid,
                 self.process.returncode)
        self.final_log = self.log_text()
        self.process.stdout.close()
        self.log_file.close()
        self.process = None
        self.log_file = None
