"""Fixtures of the fallback suite: the scenarios of this config, run once on worker labs."""

from __future__ import annotations

import ipaddress

import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.fallback.matrix import run_matrix
from mirrorcheck.fallback.runner import ScenarioResult
from mirrorcheck.fallback.scenarios import Scenario, all_scenarios
from mirrorcheck.lab.topology import plan
from mirrorcheck.plugin import settings_of
from mirrorcheck.report.progress import progress

# Addresses only name the mirrors here; each lab picks its own subnet when it starts.
PLANNING_SUBNET = ipaddress.ip_network("10.214.0.0/24")


def planned_scenarios(config: pytest.Config) -> list[Scenario] | str:
    """Return the scenarios of the daemon.json under test, or why there are none."""
    try:
        document = daemon_json_module.load(settings_of(config).daemon_json)
    except MirrorcheckError as error:
        return str(error)
    return all_scenarios(plan(document.mirrors, PLANNING_SUBNET))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("scenarios")
    if marker is None or "scenario" not in metafunc.fixturenames:
        return
    scenarios = planned_scenarios(metafunc.config)
    if isinstance(scenarios, str):
        metafunc.parametrize("scenario", [pytest.param(scenarios, id="no-scenarios")])
        return

    selected = [s for s in scenarios if s.category == marker.args[0]]
    params = [pytest.param(s, id=s.id, marks=[pytest.mark.gate] if s.gate else [])
              for s in selected]
    if not params:
        params = [pytest.param(None, id="none-apply",
                               marks=pytest.mark.skip(reason="no scenario of this kind applies "
                                                             "to this daemon.json"))]
    metafunc.parametrize("scenario", params)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenarios(category): parametrize with the scenarios "
                                       "of that category: baseline, gate or finding")


def _selected_scenarios(session: pytest.Session) -> list[Scenario]:
    chosen: dict[str, Scenario] = {}
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        scenario = callspec.params.get("scenario") if callspec else None
        if isinstance(scenario, Scenario):
            chosen[scenario.id] = scenario
    return list(chosen.values())


def _record(results, result: ScenarioResult) -> None:
    for mirror, came_back in result.mirrors_restarted.items():
        state = "served again" if came_back else "did not come back"
        results.add_lab_note(result.scenario.title, f"{mirror} restarted during the outage and "
                                                    f"{state}")
    for image in result.images:
        report = image.report
        results.record_fallback(
            scenario=result.scenario.title, image=image.image, outcome=image.outcome,
            manifest_endpoint=image.manifest_endpoint, blob_endpoints=image.blob_endpoints,
            total_seconds=round(report.seconds, 2),
            failover_seconds=None if report.failover_seconds is None
            else round(report.failover_seconds, 2),
            daemon_error=report.error, spent_hub_rate_limit=report.served_by_hub,
        )


@pytest.fixture(scope="session")
def fallback_results(request, settings, lab_factory, daemon_json, results) -> dict[str, ScenarioResult]:
    """Run every collected scenario once, on --workers labs, and return results by id."""
    scenarios = _selected_scenarios(request.session)
    progress(request.config, f"fallback: {len(scenarios)} scenario(s) on up to "
                             f"{settings.workers} lab(s), {len(settings.images)} image(s) each")

    def finished(result: ScenarioResult) -> None:
        pulled = sum(1 for image in result.images if image.outcome == "pulled")
        by_hub = sum(1 for image in result.images if image.report.served_by_hub)
        spent = f", {by_hub} served by Docker Hub (rate limit spent)" if by_hub else ""
        progress(request.config, f"fallback: {result.scenario.id}: {pulled}/{len(result.images)} "
                                 f"pulled in {result.seconds:.1f} s{spent}")
        _record(results, result)

    return run_matrix(scenarios, lambda: lab_factory(daemon_json), settings.images,
                      settings.pull_timeout, settings.finding_pull_timeout, settings.workers,
                      finished)


@pytest.fixture
def scenario_result(scenario, fallback_results) -> ScenarioResult:
    """The result of this test's scenario; fails with the reason when it has none."""
    if isinstance(scenario, str):
        raise MirrorcheckError(scenario)
    if scenario.id not in fallback_results:
        raise MirrorcheckError(f"scenario {scenario.id} did not run: no fallback lab started")
    result = fallback_results[scenario.id]
    if result.harness_error:
        raise MirrorcheckError(f"scenario {scenario.id} could not run: {result.harness_error}")
    return result
