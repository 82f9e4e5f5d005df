"""Running many scenarios at once, spread over several labs (one worker thread per lab)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from mirrorcheck.faults import Kind
from mirrorcheck.fallback.runner import ScenarioResult, ScenarioRunner
from mirrorcheck.fallback.scenarios import DAEMON, HUB, HopSpec, Scenario
from mirrorcheck.lab.lab import Lab

log = logging.getLogger(__name__)

# Scenarios expected to take longest start first, so they overlap instead of trailing
# at the end.
EXPECTED_COST = {Kind.STALL: 4, Kind.BLACKHOLE: 3, Kind.UNRESOLVABLE: 2, Kind.SLOW: 2}


def expected_cost(scenario: Scenario, mirrors_serve: bool = True) -> int:
    """Rank a scenario by how long it is expected to take (higher is longer).

    With mirrors serving, the daemon does not contact the hub, so an outage of its own link
    to the hub costs nothing extra.
    """
    costs = [0]
    for outage in scenario.outages:
        if outage.hop == HopSpec(DAEMON, HUB) and mirrors_serve:
            costs.append(1)
        elif outage.kind is Kind.BLACKHOLE and outage.hop.client != DAEMON:
            # A mirror with a blackholed upstream stalls its pulls until the hard timeout.
            costs.append(EXPECTED_COST[Kind.STALL])
        else:
            costs.append(EXPECTED_COST.get(outage.kind, 1))
    return max(costs)


def run_matrix(scenarios: list[Scenario], start_lab: Callable[[], Lab], images: tuple[str, ...],
               pull_timeout: float, finding_pull_timeout: float, workers: int,
               report: Callable[[ScenarioResult], None]) -> dict[str, ScenarioResult]:
    """Run scenarios on up to `workers` labs and return their results by scenario id.

    The baseline, when present, runs first on the first lab. `report` is called from the
    worker threads as each scenario finishes.
    """
    pending: queue.Queue[Scenario] = queue.Queue()
    mirrors_serve = any(o.hop.target != HUB for s in scenarios for o in s.outages)
    ordered = sorted(scenarios,
                     key=lambda s: (s.id != "baseline", -expected_cost(s, mirrors_serve)))
    for scenario in ordered:
        pending.put(scenario)

    results: dict[str, ScenarioResult] = {}
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_work, name=f"fallback-lab-{number}",
                         args=(pending, start_lab, images, (pull_timeout, finding_pull_timeout),
                               results, errors, report))
        for number in range(max(1, min(workers, len(scenarios))))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors and not results:
        raise errors[0]
    return results


def _work(pending: queue.Queue, start_lab: Callable[[], Lab], images: tuple[str, ...],
          timeouts: tuple[float, float], results: dict, errors: list, report) -> None:
    try:
        runner = ScenarioRunner(start_lab(), images, *timeouts)
    except BaseException as error:  # the main thread re-raises it when no lab could start
        log.error("a fallback lab could not start: %s", error)
        errors.append(error)
        return
    while True:
        try:
            scenario = pending.get_nowait()
        except queue.Empty:
            return
        result = runner.run(scenario)
        results[scenario.id] = result
        report(result)
