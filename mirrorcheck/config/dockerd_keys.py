"""The top-level daemon.json keys that dockerd accepts, by engine version.

dockerd rejects a file whose keys match no command-line flag and no named option. Before it
compares, it replaces each object value by the object's own keys, except for the options
listed in FLAT_OPTIONS, so `{"proxies": {"http-proxy": "..."}}` is checked as "http-proxy".

The 20.10 list is the long flag names of `dockerd --help` from Docker 20.10.24, plus the
hidden flags and the named options (the plural daemon.json names such as "labels") of that
release. Later releases are described by what they added or removed, from moby's
daemon/config/config.go and Docker's table of deprecated features.
"""

from __future__ import annotations

from mirrorcheck.config.engine_version import EngineVersion

_FLAGS_20_10 = """
add-runtime allow-nondistributable-artifacts api-cors-header authorization-plugin bip bridge
cgroup-parent config-file containerd containerd-namespace containerd-plugins-namespace
cpu-rt-period cpu-rt-runtime cri-containerd data-root debug default-address-pool
default-cgroupns-mode default-gateway default-gateway-v6 default-ipc-mode default-runtime
default-shm-size default-ulimit dns dns-opt dns-search exec-opt exec-root experimental
fixed-cidr fixed-cidr-v6 group help host host-gateway-ip icc init init-path insecure-registry
ip ip-forward ip-masq ip6tables iptables ipv6 label live-restore log-driver log-level log-opt
max-concurrent-downloads max-concurrent-uploads max-download-attempts metrics-addr mtu
network-control-plane-mtu no-new-privileges node-generic-resource oom-score-adjust pidfile
raw-logs registry-mirror rootless seccomp-profile selinux-enabled shutdown-timeout
storage-driver storage-opt swarm-default-advertise-addr tls tlscacert tlscert tlskey tlsverify
userland-proxy userland-proxy-path userns-remap version
"""

# Hidden flags of 20.10: deprecated, still accepted.
_HIDDEN_20_10 = "graph restart cluster-store cluster-advertise cluster-store-opt network-diagnostic-port"

# Named options: the daemon.json name of a repeatable flag.
_NAMED_20_10 = """
allow-nondistributable-artifacts authorization-plugins cluster-store-opts default-address-pools
default-ulimits dns dns-opts dns-search exec-opts hosts insecure-registries labels log-opts
node-generic-resources registry-mirrors runtimes storage-opts
"""

# Keys dockerd skips in the unknown-key comparison.
_SKIPPED = "features builder deprecated-key-path"

FLAT_OPTIONS = frozenset(
    "cluster-store-opts log-opts runtimes default-ulimits features builder".split()
)

# (version, added, removed): each change applies from that release on.
_CHANGES: tuple[tuple[tuple[int, int, int], str, str], ...] = (
    # Proxy options appear in 23.0; classic Swarm's cluster store and --graph go.
    ((23, 0, 0), "http-proxy https-proxy no-proxy",
     "graph cluster-store cluster-advertise cluster-store-opt cluster-store-opts"),
    # The daemon's OOM score adjustment is removed in 25.0.
    ((25, 0, 0), "", "oom-score-adjust"),
)


def known_keys(version: EngineVersion) -> frozenset[str]:
    """Return the top-level keys that dockerd of this version accepts in daemon.json."""
    keys = set((_FLAGS_20_10 + _HIDDEN_20_10 + _NAMED_20_10 + _SKIPPED).split())
    for since, added, removed in _CHANGES:
        if version.at_least(*since):
            keys |= set(added.split())
            keys -= set(removed.split())
    # NOTE: only the 20.10 list is checked against a real engine. Keys added after 20.10,
    # except the proxy options, are missing, so a newer file may get a false "unknown key".
    return frozenset(keys)


def compared_keys(document: dict) -> list[str]:
    """Return the keys dockerd compares against its options, in document order."""
    keys: list[str] = []
    for key, value in document.items():
        if isinstance(value, dict) and key not in FLAT_OPTIONS:
            keys.extend(value)
        else:
            keys.append(key)
    return keys
