"""Rounds of pulls by the daemon under test, each started from a known cache state.

pytest-benchmark's pedantic mode calls a setup before every round and times only the target.
The setups here put the lab in the state a round claims to measure, and the target only
pulls. Which registry served each round is read from the access logs after the last round,
so log reading never falls inside a timed round.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from mirrorcheck.faults import Hop, NetNamespace, outage
from mirrorcheck.lab.accesslog import Request
from mirrorcheck.lab.daemon import PullOutcome
from mirrorcheck.lab.lab import LOG_SETTLE_SECONDS, Lab
from mirrorcheck.lab.pulls import PullReport
from mirrorcheck.lab.registry import LabRegistry

log = logging.getLogger(__name__)


def start_cold(lab: Lab) -> None:
    """Empty the daemon under test and every mirror cache, so the round starts cold."""
    lab.reset_daemon()
    lab.clear_mirror_caches()


def start_warm(lab: Lab) -> None:
    """Empty the daemon under test but keep the mirror caches filled by earlier pulls."""
    lab.reset_daemon()


def requests_between(lab: Lab, start: float, end: float) -> list[Request]:
    """Return the lab requests completed from start to end (epoch seconds)."""
    return [request for request in lab.requests_since(start) if request.time <= end]


@dataclass
class PullRounds:
    """The timed pulls of one benchmark, kept so every round can be checked afterwards."""

    lab: Lab
    image: str
    timeout: float
    outcomes: list[PullOutcome] = field(default_factory=list)

    def pull(self) -> PullOutcome:
        """Pull the image once: the timed target of a round."""
        outcome = self.lab.daemon.pull(self.image, self.timeout)
        self.outcomes.append(outcome)
        return outcome

    @property
    def seconds(self) -> list[float]:
        return [outcome.seconds for outcome in self.outcomes]

    def reports(self) -> list[PullReport]:
        """Return one PullReport per round, containing only the requests made during that round."""
        time.sleep(LOG_SETTLE_SECONDS)
        reports = []
        for outcome in self.outcomes:
            end = outcome.started_at + outcome.seconds + LOG_SETTLE_SECONDS
            requests = requests_between(self.lab, outcome.started_at, end)
            reports.append(PullReport(outcome=outcome, requests=requests))
        return reports


def refused_hop(mirror: LabRegistry) -> Hop:
    """Return the hop the daemon under test uses to reach a mirror."""
    endpoint = mirror.endpoint
    # The daemon reaches a loopback mirror at 127.0.0.1, not at the namespace holder's lab
    # address.
    # NOTE: only IPv4 is refused, so a daemon that resolves localhost to ::1 still reaches it.
    ip = "127.0.0.1" if endpoint.loopback else endpoint.ip
    return Hop(ip=ip, port=endpoint.port, tls=endpoint.tls, host_name=endpoint.host)


@contextlib.contextmanager
def mirrors_refused(lab: Lab) -> Iterator[None]:
    """Make every mirror reset the daemon's connections, so the daemon falls back to the hub."""
    namespace = NetNamespace(path=lab.daemon.netns_path)
    with contextlib.ExitStack() as stack:
        for mirror in lab.mirrors:
            stack.enter_context(outage("refused", namespace, refused_hop(mirror),
                                       run_id=lab.run.id))
        log.info("installed the refused outage on %d mirror(s) for the daemon under test",
                 len(lab.mirrors))
        yield
