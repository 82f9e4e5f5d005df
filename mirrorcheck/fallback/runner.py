"""Running fallback scenarios on a lab: reset, break the hops, pull every image, heal.

Each scenario starts from a known state: the daemon under test has no image, and the mirror
caches are warm (every critical image pulled through them once) or, for a cold scenario,
empty. The outages are installed for the duration of the pulls only, and whatever they left
is listed afterwards, so a scenario that does not clean up fails its test.
"""

from __future__ import annotations

import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.faults import (GO_HOSTS_CACHE_SECONDS, Hop, Kind, NetNamespace, TlsMaterial,
                                outage, remaining)
from mirrorcheck.fallback.scenarios import DAEMON, HUB, OutageSpec, Scenario
from mirrorcheck.lab.lab import Lab
from mirrorcheck.lab.pulls import PullReport

log = logging.getLogger(__name__)

# Seconds a mirror restarted during a hub outage gets to serve again. Whether registry:2 in
# proxy mode starts without its upstream depends on its version and settings, so the
# scenario records the result instead of assuming it.
RESTART_WAIT_SECONDS = 10.0


@dataclass
class ImageResult:
    """One critical image's pull in one scenario."""

    image: str
    report: PullReport
    manifest_endpoint: str
    blob_endpoints: list[str]

    @property
    def outcome(self) -> str:
        if self.report.hung:
            return "hung"
        return "pulled" if self.report.pulled else "failed"


@dataclass
class ScenarioResult:
    """Every image's pull in a scenario, what the scenario left, and how long it took."""

    scenario: Scenario
    images: list[ImageResult] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    mirrors_restarted: dict[str, bool] = field(default_factory=dict)
    seconds: float = 0.0
    harness_error: str = ""
    # Packets the daemon's namespace tried to send outside the lab during the scenario.
    egress_dropped: int = 0

    def describe(self) -> str:
        lines = [f"{self.scenario.title}:"]
        for result in self.images:
            lines.append(f"  {result.report.summary()}")
        return "\n".join(lines)


def endpoint_label(lab: Lab, registry_name: str | None) -> str:
    """Name a lab registry as the user knows it: the mirror's URL, or Docker Hub."""
    if registry_name is None:
        return ""
    if registry_name == HUB:
        return "Docker Hub (registry-1.docker.io)"
    registry = lab.registry(registry_name)
    return registry.endpoint.entry or registry.endpoint.url


class ScenarioRunner:
    """Runs scenarios one after another on one lab."""

    def __init__(self, lab: Lab, images: tuple[str, ...], pull_timeout: float,
                 finding_pull_timeout: float | None = None) -> None:
        self.lab = lab
        self.images = images
        self.pull_timeout = pull_timeout
        # A finding scenario only has to show that pulls hang; waiting the full hard timeout
        # there adds nothing but time.
        self.finding_pull_timeout = finding_pull_timeout or pull_timeout
        self.warm = False

    def prime(self) -> list[ImageResult]:
        """Pull every image through the mirrors (warming their caches) and return the pulls."""
        self.lab.reset_daemon()
        results = self._pull_all()
        self.warm = all(result.report.pulled for result in results)
        return results

    def run(self, scenario: Scenario) -> ScenarioResult:
        """Run one scenario and return its results; harness errors are kept, not raised."""
        began = time.monotonic()
        result = ScenarioResult(scenario)
        holder = self.lab.daemon.holder
        dropped_before = holder.egress_packets_dropped()
        try:
            self._prepare(scenario)
            self._run_with_outages(scenario, result)
        except MirrorcheckError as error:
            result.harness_error = str(error)
            log.error("scenario %s could not run: %s", scenario.id, error)
        try:
            self._heal(scenario, restart=any(image.outcome == "hung" for image in result.images))
        except MirrorcheckError as error:
            result.harness_error = f"{result.harness_error}\n{error}".strip()
            log.error("after scenario %s: %s", scenario.id, error)
        result.egress_dropped = holder.egress_packets_dropped() - dropped_before
        result.seconds = time.monotonic() - began
        return result

    def _prepare(self, scenario: Scenario) -> None:
        if scenario.id == "baseline":
            self.lab.reset_daemon()
            return
        if scenario.cache == "cold":
            self.lab.clear_mirror_caches()
            self.warm = False
        elif not self.warm:
            self.prime()
        self.lab.reset_daemon()

    def _run_with_outages(self, scenario: Scenario, result: ScenarioResult) -> None:
        namespaces: dict[str, tuple[NetNamespace, Path]] = {}
        with contextlib.ExitStack() as stack:
            for spec in scenario.outages:
                namespace, hosts_file = self._client_side(spec.hop.client)
                namespaces[str(namespace.path)] = (namespace, hosts_file)
                stack.enter_context(self._outage(spec, namespace, hosts_file))
            if Kind.UNRESOLVABLE in scenario.kinds:
                # Go caches the hosts file for a few seconds; wait until the edit is seen.
                time.sleep(GO_HOSTS_CACHE_SECONDS + 0.5)
            if scenario.restart_mirrors:
                result.mirrors_restarted = self._restart_mirrors()
            timeout = self.finding_pull_timeout if scenario.category == "finding" \
                else self.pull_timeout
            result.images = self._pull_all(timeout)
        if Kind.UNRESOLVABLE in scenario.kinds:
            time.sleep(GO_HOSTS_CACHE_SECONDS + 0.5)
        for namespace, hosts_file in namespaces.values():
            result.leftovers += [f"{item.kind}: {item.detail}" for item in
                                 remaining(namespace, run_id=self.lab.run.id, hosts_file=hosts_file)]

    def _client_side(self, client: str) -> tuple[NetNamespace, Path]:
        if client == DAEMON:
            return NetNamespace(path=self.lab.daemon.netns_path), self.lab.daemon.hosts_file
        mirror = self.lab.registry(client)
        mirror.wrapped.reload()
        return NetNamespace.of_process(mirror.pid), Path(mirror.wrapped.attrs["HostsPath"])

    def _target_hop(self, client: str, target: str) -> Hop:
        endpoint = self.lab.registry(target).endpoint
        if endpoint.loopback and client == DAEMON:
            return Hop(ip="127.0.0.1", port=endpoint.port, tls=endpoint.tls, host_name="localhost")
        return Hop(ip=endpoint.ip, port=endpoint.port, tls=endpoint.tls, host_name=endpoint.host)

    def _outage(self, spec: OutageSpec, namespace: NetNamespace, hosts_file: Path):
        authority = self.lab.authority
        return outage(
            spec.kind, namespace, self._target_hop(spec.hop.client, spec.hop.target),
            tls=TlsMaterial(authority.cert_pem, authority.key_pem), hosts_file=hosts_file,
            run_id=self.lab.run.id,
        )

    def _restart_mirrors(self) -> dict[str, bool]:
        restarted = {}
        for mirror in self.lab.mirrors:
            mirror.stop()
            restarted[mirror.name] = mirror.restart(RESTART_WAIT_SECONDS)
        return restarted

    def _pull_all(self, timeout: float | None = None) -> list[ImageResult]:
        # Critical images are pulled at once, as a deployment would: each pull still pays
        # its own failover, and a scenario costs one timeout instead of one per image.
        timeout = timeout or self.pull_timeout
        with ThreadPoolExecutor(max_workers=max(1, len(self.images))) as pool:
            reports = list(pool.map(lambda image: self.lab.pull(image, timeout), self.images))
        return [
            ImageResult(
                image=report.image, report=report,
                manifest_endpoint=endpoint_label(self.lab, report.manifest_endpoint),
                blob_endpoints=[endpoint_label(self.lab, name) for name in report.blob_endpoints],
            )
            for report in reports
        ]

    def _heal(self, scenario: Scenario, restart: bool = False) -> None:
        """Bring back every mirror that a scenario left down (the hub is reachable again).

        After a hung pull every mirror is restarted too: a registry:2 mirror can still be
        waiting on its upstream for the hung requests, which would slow the next scenario.
        """
        for mirror in self.lab.mirrors:
            if restart or mirror.status() != "running" or not mirror.answers():
                log.info("restarting %s after scenario %s", mirror.name, scenario.id)
                if mirror.status() == "running":
                    mirror.stop()
                if not mirror.restart(self.lab.config.start_timeout):
                    raise MirrorcheckError(
                        f"mirror {mirror.name} did not come back after scenario {scenario.id}; "
                        f"last log lines:\n{mirror.log_tail()}"
                    )
                self.warm = False
