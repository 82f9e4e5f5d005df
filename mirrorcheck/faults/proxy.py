"""The HTTP fault proxy: a process in front of one hop that applies one fault.

Run as `python -m mirrorcheck.faults.proxy --run-id ID`, inside the client's network
namespace, with its configuration as one JSON object on stdin (it carries the lab CA key,
which must not appear in a command line). It listens on 127.0.0.1 on a port the kernel
chooses, prints "READY <port>" on stdout once it accepts connections, and serves until
it is killed. It dies with its parent through PR_SET_PDEATHSIG.
"""

from __future__ import annotations

import argparse
import ctypes
import http.client
import http.server
import json
import logging
import os
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mirrorcheck.faults import certs
from mirrorcheck.faults.iptables import PROXY_MARK
from mirrorcheck.faults.model import Hop, Kind
from mirrorcheck.faults.responses import Forward, Respond, Stall, decide

log = logging.getLogger("mirrorcheck.faults.proxy")

READY_PREFIX = "READY "
PR_SET_PDEATHSIG = 1
WRONG_NAME = "wrong-name.mirrorcheck.invalid"
UPSTREAM_TIMEOUT_SECONDS = 120.0
COPY_CHUNK_BYTES = 64 * 1024
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailer", "transfer-encoding", "upgrade", "proxy-connection",
})


@dataclass(frozen=True)
class ProxyConfig:
    """Configuration the parent sends on stdin, as one JSON object."""

    run_id: str
    kind: Kind
    hop: Hop
    ca_cert_pem: bytes
    ca_key_pem: bytes
    delay_ms: int
    rate_kbit: int
    parent_pid: int

    @classmethod
    def from_json(cls, text: str) -> ProxyConfig:
        raw = json.loads(text)
        return cls(
            run_id=raw["run_id"], kind=Kind(raw["kind"]), hop=Hop(**raw["hop"]),
            ca_cert_pem=raw["ca_cert_pem"].encode(), ca_key_pem=raw["ca_key_pem"].encode(),
            delay_ms=int(raw["delay_ms"]), rate_kbit=int(raw["rate_kbit"]),
            parent_pid=int(raw["parent_pid"]),
        )


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill this process when its parent exits; exit if it already did.

    The death signal fires when the parent thread that forked this process exits, so the
    caller must keep that thread alive for the outage, which a with block does.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        sys.exit(f"parent {parent_pid} exited before the proxy started")


class Pacer:
    """Rate limiter for the bytes sent: rate_kbit kilobits per second, unlimited when 0."""

    def __init__(self, rate_kbit: int) -> None:
        self.bytes_per_second = rate_kbit * 1000 / 8
        self.started = time.monotonic()
        self.sent = 0

    def chunk_size(self) -> int:
        if not self.bytes_per_second:
            return COPY_CHUNK_BYTES
        # About 50 ms of data a write, so the rate is even at the scale of a round trip.
        return max(512, min(COPY_CHUNK_BYTES, int(self.bytes_per_second / 20)))

    def account(self, size: int) -> None:
        self.sent += size
        if not self.bytes_per_second:
            return
        due = self.started + self.sent / self.bytes_per_second
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)


class UpstreamConnection(http.client.HTTPConnection):
    """A connection to the real hop, marked with PROXY_MARK so the redirect rule lets it through.

    TLS is verified against the lab CA for the hop's host name.
    """

    def __init__(self, hop: Hop, tls_context: ssl.SSLContext | None) -> None:
        super().__init__(hop.ip, hop.port, timeout=UPSTREAM_TIMEOUT_SECONDS)
        self.hop = hop
        self.tls_context = tls_context

    def connect(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, PROXY_MARK)
        sock.settimeout(self.timeout)
        try:
            sock.connect((self.hop.ip, self.hop.port))
            if self.tls_context is not None:
                sock = self.tls_context.wrap_socket(sock, server_hostname=self.hop.host_name)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class FaultHandler(http.server.BaseHTTPRequestHandler):
    """Handler of one client connection: TLS termination, then requests until it closes."""

    protocol_version = "HTTP/1.1"
    server: FaultServer

    def setup(self) -> None:
        self.upstream: UpstreamConnection | None = None
        if self.server.client_tls is not None:
            self.request.settimeout(30)
            self.request = self.server.client_tls.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()

    def finish(self) -> None:
        super().finish()
        if self.upstream is not None:
            self.upstream.close()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        log.info("%s %s", self.client_address[0], format % args)

    def do_GET(self) -> None:
        self.handle_request()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def handle_request(self) -> None:
        config = self.server.config
        action = decide(config.kind, self.command, self.path, self.client_address[0])
        if isinstance(action, Stall):
            log.info("stalling %s %s until the outage ends", self.command, self.path)
            self.close_connection = True
            threading.Event().wait()
        elif isinstance(action, Respond):
            self.send_fault(action)
        else:
            self.forward()

    def send_fault(self, response: Respond) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def read_request_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            # NOTE: pulls send no request body, so a chunked upload gets 501 and is not forwarded.
            self.send_fault(Respond(501, b"chunked request bodies are not supported\n"))
            return None
        return b""

    def forward(self) -> None:
        config = self.server.config
        body = self.read_request_body()
        if body is None:
            return
        if config.delay_ms:
            time.sleep(config.delay_ms / 1000)

        try:
            response = self.send_upstream(body)
        except (OSError, http.client.HTTPException) as error:
            log.warning("forwarding %s %s to %s:%d failed: %s", self.command, self.path,
                        config.hop.ip, config.hop.port, error)
            if self.upstream is not None:
                self.upstream.close()
                self.upstream = None
            message = f"fault proxy could not reach {config.hop.ip}:{config.hop.port}: {error}\n"
            self.send_fault(Respond(502, message.encode()))
            return
        self.relay(response)

    def send_upstream(self, body: bytes) -> http.client.HTTPResponse:
        if self.upstream is None:
            self.upstream = UpstreamConnection(self.server.config.hop, self.server.upstream_tls)
        self.upstream.putrequest(self.command, self.path, skip_host=True,
                                 skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP:
                self.upstream.putheader(name, value)
        if body:
            self.upstream.putheader("Content-Length", str(len(body)))
        self.upstream.endheaders(body or None)
        return self.upstream.getresponse()

    def relay(self, response: http.client.HTTPResponse) -> None:
        self.send_response_only(response.status, response.reason)
        length = response.getheader("Content-Length")
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        bodiless = self.command == "HEAD" or response.status in (204, 304)
        chunked = not bodiless and length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if bodiless:
            response.read()
            return

        pacer = Pacer(self.server.config.rate_kbit if self.server.config.kind is Kind.SLOW
                      else 0)
        while chunk := response.read(pacer.chunk_size()):
            if chunked:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
            pacer.account(len(chunk))
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        if response.will_close:
            self.upstream.close()
            self.upstream = None


class FaultServer(http.server.ThreadingHTTPServer):
    """Threaded server with the proxy's configuration and TLS contexts."""

    daemon_threads = True

    def __init__(self, config: ProxyConfig) -> None:
        self.config = config
        self.client_tls = client_tls_context(config) if config.hop.tls else None
        self.upstream_tls = upstream_tls_context(config) if config.hop.tls else None
        super().__init__(("127.0.0.1", 0), FaultHandler)

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        log.info("connection from %s ended: %s: %s", client_address[0],
                 type(error).__name__, error)


def server_key_pair(config: ProxyConfig) -> certs.KeyPair:
    """Return the certificate and key the proxy presents to the client for this outage kind."""
    hop = config.hop
    if config.kind is Kind.TLS_UNTRUSTED:
        return certs.issue_server_cert(certs.new_ca("mirrorcheck untrusted CA"),
                                       [hop.host_name, hop.ip])
    lab_ca = certs.KeyPair(config.ca_cert_pem, config.ca_key_pem)
    if config.kind is Kind.TLS_WRONG_NAME:
        return certs.issue_server_cert(lab_ca, [WRONG_NAME])
    return certs.issue_server_cert(lab_ca, [hop.host_name, hop.ip])


def client_tls_context(config: ProxyConfig) -> ssl.SSLContext:
    pair = server_key_pair(config)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # ssl loads a certificate chain only from files, so they exist only during this call.
    with tempfile.TemporaryDirectory(prefix="mirrorcheck-proxy-") as directory:
        cert_path = Path(directory, "cert.pem")
        key_path = Path(directory, "key.pem")
        cert_path.write_bytes(pair.cert_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(pair.key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


def upstream_tls_context(config: ProxyConfig) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=config.ca_cert_pem.decode())


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mirrorcheck.faults.proxy",
                                     description=__doc__)
    parser.add_argument("--run-id", required=True,
                        help="run id of the outage, which sweep() finds the process by")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s proxy %(levelname)s %(message)s")
    config = ProxyConfig.from_json(sys.stdin.read())
    if config.run_id != arguments.run_id:
        sys.exit(f"--run-id {arguments.run_id} differs from run_id {config.run_id} on stdin")
    die_with_parent(config.parent_pid)

    server = FaultServer(config)
    port = server.server_address[1]
    log.info("proxy for %s %s:%d (%s) listens on 127.0.0.1:%d", config.kind.value,
             config.hop.ip, config.hop.port, config.hop.host_name, port)
    print(f"{READY_PREFIX}{port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
