"""Pull times of the daemon under test for each critical image.

Pulls go via a mirror, cold and warm, and via the hub while every mirror resets the daemon's
connections (the refused outage).
"""

from __future__ import annotations

import pytest

from suites.benchmark import checks
from suites.benchmark.content import lab_endpoint, pull_size
from suites.benchmark.recording import record_figures
from suites.benchmark.rounds import PullRounds, mirrors_refused, start_cold, start_warm

pytestmark = [pytest.mark.slow, pytest.mark.lab]


def _rounds_for(lab, image, settings) -> PullRounds:
    return PullRounds(lab=lab, image=image, timeout=settings.pull_timeout)


def _size(lab, image, settings) -> int:
    return pull_size(lab_endpoint(lab, "hub", settings.request_timeout), image)


def test_daemon_via_mirror_cold(benchmark, benchmark_lab, first_mirror, image, rounds, settings,
                                results, pytestconfig):
    pulls = _rounds_for(benchmark_lab, image, settings)

    benchmark.pedantic(pulls.pull, setup=lambda: start_cold(benchmark_lab), rounds=rounds)

    reports = pulls.reports()
    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, first_mirror.name)
    checks.check_rounds_cold([report.requests for report in reports], first_mirror.name)
    record_figures(benchmark, results, pytestconfig,
                   path=f"daemon via {first_mirror.name} ({first_mirror.endpoint.url})",
                   image=image, cache="cold", size_bytes=_size(benchmark_lab, image, settings),
                   measured=pulls.seconds)


def test_daemon_via_mirror_warm(benchmark, benchmark_lab, first_mirror, image, rounds, settings,
                                results, pytestconfig):
    start_warm(benchmark_lab)
    filled = benchmark_lab.pull(image)
    assert filled.pulled, f"filling the mirror cache failed: {filled.summary()}"
    pulls = _rounds_for(benchmark_lab, image, settings)

    benchmark.pedantic(pulls.pull, setup=lambda: start_warm(benchmark_lab), rounds=rounds)

    reports = pulls.reports()
    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, first_mirror.name)
    checks.check_rounds_warm([report.requests for report in reports], first_mirror.name)
    record_figures(benchmark, results, pytestconfig,
                   path=f"daemon via {first_mirror.name} ({first_mirror.endpoint.url})",
                   image=image, cache="warm", size_bytes=_size(benchmark_lab, image, settings),
                   measured=pulls.seconds)


def test_daemon_via_hub_mirrors_refused(benchmark, benchmark_lab, image, rounds, settings,
                                        results, pytestconfig):
    pulls = _rounds_for(benchmark_lab, image, settings)

    with mirrors_refused(benchmark_lab):
        benchmark.pedantic(pulls.pull, setup=lambda: start_warm(benchmark_lab), rounds=rounds)

    reports = pulls.reports()
    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, "hub")
    mirrors = len(benchmark_lab.mirrors)
    # The hub stores every image, so a round through it is neither cold nor warm in the
    # mirror sense. "cold" records that the daemon had nothing cached and had to fail over.
    record_figures(benchmark, results, pytestconfig,
                   path=f"daemon via hub, {mirrors} mirror(s) refused",
                   image=image, cache="cold", size_bytes=_size(benchmark_lab, image, settings),
                   measured=pulls.seconds)
