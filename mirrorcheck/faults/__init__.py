"""Outages for the fallback suite, installed in the network namespace of a hop's client.

Usage::

    netns = NetNamespace(path="/proc/1234/ns/net")   # where the client of the hop lives
    target = Hop(ip="10.213.7.3", port=443, tls=True, host_name="mirror.gcr.io")
    with outage("stall", netns, target, tls=TlsMaterial(ca_cert_pem, ca_key_pem),
                hosts_file=Path("/tmp/lab/hosts"), run_id="mc-1a2b3c4d") as active:
        ...  # pull
    assert remaining(netns, run_id="mc-1a2b3c4d") == []

Kinds (`Kind`, or its string value):

- blackhole: iptables DROP of packets to target ip:port in the namespace's OUTPUT chain.
- refused: iptables REJECT with a TCP reset, so connecting fails at once.
- unresolvable: the hop's name is commented out of hosts_file, in place, and put back on
  exit. A client using Go's built-in resolver may keep resolving the name for up to
  GO_HOSTS_CACHE_SECONDS after either change.
- stall: the ping (GET /v2/) is forwarded. Every other request gets no response until
  the outage ends.
- http-503, http-429, manifest-unknown: registry error responses (`responses.decide`
  lists which requests each kind responds to).
- tls-untrusted: a certificate for the hop's name from a fresh CA that no client trusts.
- tls-wrong-name: a certificate from the lab CA for another name.
- slow: each forwarded request waits SlowLink.delay_ms, and responses are paced to
  SlowLink.rate_kbit. The kernel here has no netem (CONFIG_NET_SCH_NETEM is not set), so
  the proxy adds both.

The last seven kinds run a fault proxy (`python -m mirrorcheck.faults.proxy`) in the
namespace, on 127.0.0.1. An iptables nat OUTPUT REDIRECT rule sends new connections to
target ip:port there, and a filter rule resets older connections that would bypass it. For
a TLS hop the proxy presents a certificate signed with the lab CA key (TlsMaterial) and
verifies the real hop with the lab CA.

Every rule carries the comment `mirrorcheck-<run id>`, every proxy has `--run-id` in its
command line, and hidden hosts lines start with `# mirrorcheck-<run id> hidden:`.
`remaining(netns, run_id, hosts_file)` lists what is left and `sweep(...)` removes it.
"""

from mirrorcheck.faults.hosts import GO_HOSTS_CACHE_SECONDS
from mirrorcheck.faults.leftovers import remaining, sweep
from mirrorcheck.faults.model import FaultError, Hop, Kind, Leftover, SlowLink, TlsMaterial
from mirrorcheck.faults.namespace import NetNamespace
from mirrorcheck.faults.outage import ActiveOutage, outage

__all__ = [
    "GO_HOSTS_CACHE_SECONDS", "ActiveOutage", "FaultError", "Hop", "Kind", "Leftover",
    "NetNamespace", "SlowLink", "TlsMaterial", "outage", "remaining", "sweep",
]
