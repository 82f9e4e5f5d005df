"""Fallback scenarios, generated from the lab's topology: which hops go down, and how.

A hop is a client (the daemon under test, or a mirror fetching from its upstream) and the
registry it reaches. Scenarios are the baseline, every single hop down with every outage kind
that applies to it, and the multi-hop cases (hub down with warm or cold caches, all mirrors
down, a mirror restarted during a hub outage).
"""

from __future__ import annotations

from dataclasses import dataclass

from mirrorcheck.faults import Kind
from mirrorcheck.lab.topology import Topology

DAEMON = "daemon"
HUB = "hub"
# dockerd has no response timeout, so a stalled request hangs the pull, and a slow link only
# costs time: no daemon.json can survive them within the budget, so they are findings, not
# gate failures.
FINDING_KINDS = frozenset({Kind.STALL, Kind.SLOW})
# registry:2 sets no dial timeout towards its upstream (seen with distribution 2.8.2): with
# the upstream blackholed, a mirror responds to the daemon's ping and then stalls every tag.
UPSTREAM_FINDING_KINDS = FINDING_KINDS | {Kind.BLACKHOLE}
MULTI_HOP_KIND = Kind.REFUSED


@dataclass(frozen=True)
class HopSpec:
    """A link from a client to the registry it reaches, named by lab registry names."""

    client: str
    target: str

    @property
    def id(self) -> str:
        return f"{self.client}-to-{self.target}"


@dataclass(frozen=True)
class OutageSpec:
    hop: HopSpec
    kind: Kind

    @property
    def id(self) -> str:
        return f"{self.hop.id}-{self.kind.value}"


@dataclass(frozen=True)
class Scenario:
    """A fallback scenario: the hops to break and how warm the caches are.

    category is 'baseline', 'gate' (a single-hop outage a daemon.json can survive) or
    'finding' (measured and reported, but no gate failure).
    """

    id: str
    title: str
    outages: tuple[OutageSpec, ...] = ()
    cache: str = "warm"
    restart_mirrors: bool = False
    category: str = "finding"

    @property
    def gate(self) -> bool:
        """Whether the pre-deployment gate depends on this scenario."""
        return self.category == "gate"

    @property
    def kinds(self) -> set[Kind]:
        return {outage.kind for outage in self.outages}


def hops(topology: Topology) -> list[HopSpec]:
    """Return every hop of the lab: daemon to hub, daemon to each mirror, mirror to hub.

    A loopback mirror shares the daemon's network namespace, so its link to the hub cannot
    be cut apart from the daemon's own. The hub-down scenarios cover it.
    """
    result = [HopSpec(DAEMON, mirror.name) for mirror in topology.mirrors]
    result.append(HopSpec(DAEMON, HUB))
    result += [HopSpec(mirror.name, HUB) for mirror in topology.mirrors if not mirror.loopback]
    return result


def kinds_for(hop: HopSpec, topology: Topology) -> list[Kind]:
    """Return the outage kinds that apply to a hop (TLS kinds need TLS, and so on)."""
    target = topology.hub if hop.target == HUB else _mirror(topology, hop.target)
    kinds = []
    for kind in Kind:
        if kind in (Kind.TLS_UNTRUSTED, Kind.TLS_WRONG_NAME) and not target.tls:
            continue
        if kind is Kind.UNRESOLVABLE and target.loopback:
            continue
        kinds.append(kind)
    return kinds


def _mirror(topology: Topology, name: str):
    return next(m for m in topology.mirrors if m.name == name)


def _describe(hop: HopSpec, topology: Topology) -> str:
    def label(name: str) -> str:
        if name == DAEMON:
            return "daemon"
        if name == HUB:
            return "Docker Hub"
        return _mirror(topology, name).entry

    return f"{label(hop.client)} -> {label(hop.target)}"


def single_hop_scenarios(topology: Topology) -> list[Scenario]:
    scenarios = []
    for hop in hops(topology):
        for kind in kinds_for(hop, topology):
            outage = OutageSpec(hop, kind)
            findings = FINDING_KINDS if hop.client == DAEMON else UPSTREAM_FINDING_KINDS
            scenarios.append(Scenario(
                id=outage.id, title=f"{_describe(hop, topology)}: {kind.value}",
                outages=(outage,), category="finding" if kind in findings else "gate",
            ))
    return scenarios


def _hub_down(topology: Topology) -> tuple[OutageSpec, ...]:
    return tuple(OutageSpec(hop, MULTI_HOP_KIND) for hop in hops(topology) if hop.target == HUB)


def multi_hop_scenarios(topology: Topology) -> list[Scenario]:
    """Return the hub-down, all-mirrors-down and restart scenarios that the topology has.

    Without mirrors, Docker Hub down is the single-hop outage of the daemon's link to it.
    """
    if not topology.mirrors:
        return []
    scenarios = [
        Scenario("hub-down-warm", "Docker Hub down, mirror caches warm", _hub_down(topology)),
        Scenario("hub-down-cold", "Docker Hub down, mirror caches cold", _hub_down(topology),
                 cache="cold"),
        Scenario("mirror-restart-during-hub-outage", "mirrors restarted while Docker Hub is down",
                 _hub_down(topology), restart_mirrors=True),
    ]
    if len(topology.mirrors) > 1:
        all_mirrors = tuple(OutageSpec(HopSpec(DAEMON, m.name), MULTI_HOP_KIND)
                            for m in topology.mirrors)
        scenarios.append(Scenario("all-mirrors-down", "every mirror down, Docker Hub up",
                                  all_mirrors))
    return scenarios


def all_scenarios(topology: Topology) -> list[Scenario]:
    """Return the baseline, the single-hop and the multi-hop scenarios for a topology."""
    baseline = Scenario("baseline", "nothing blocked", category="baseline")
    return [baseline, *single_hop_scenarios(topology), *multi_hop_scenarios(topology)]

