"""Fallback behaviours that must come out of the real dockerd in the lab."""

from __future__ import annotations

import json
import time

import pytest

from mirrorcheck import daemon_json
from mirrorcheck.faults import NetNamespace, remaining
from mirrorcheck.fallback.runner import ScenarioRunner
from mirrorcheck.fallback.scenarios import all_scenarios
from mirrorcheck.options import FIXTURES

pytestmark = [pytest.mark.lab, pytest.mark.slow]

SAMPLES = FIXTURES / "daemon-json"
IMAGES = ("alpine:latest", "nginx:alpine")
# moby's registry ping gives up after 15 s; a blackholed mirror costs at least most of it.
PING_TIMEOUT_SECONDS = 15.0


def scenario_named(lab, scenario_id: str):
    matches = [s for s in all_scenarios(lab.topology) if s.id == scenario_id]
    assert matches, f"no scenario {scenario_id} for {lab.config.daemon_json.path}"
    return matches[0]


def run(lab, scenario_id: str, pull_timeout: float = 60.0, images=IMAGES):
    runner = ScenarioRunner(lab, images, pull_timeout)
    runner.prime()
    return runner.run(scenario_named(lab, scenario_id))


def lab_containers(lab) -> set[str]:
    return {registry.wrapped.id for registry in lab.registries} | {lab.daemon.holder.id}


@pytest.fixture(scope="module")
def recommended_lab(lab_factory):
    return lab_factory(SAMPLES / "recommended.json")


@pytest.fixture(scope="module")
def current_lab(lab_factory):
    return lab_factory(SAMPLES / "current.json")


def test_hub_entry_as_mirror_adds_nothing(current_lab, lab_factory, tmp_path):
    without_entry = tmp_path / "daemon.json"
    without_entry.write_text(json.dumps({"registry-mirrors": ["https://mirror.gcr.io"]}))
    reference_lab = lab_factory(daemon_json.load(without_entry))

    with_entry = run(current_lab, "hub-down-warm")
    reference = run(reference_lab, "hub-down-warm")

    for result in (with_entry, reference):
        assert [image.outcome for image in result.images] == ["pulled"] * len(IMAGES), result.describe()
        assert {image.manifest_endpoint for image in result.images} == {"https://mirror.gcr.io"}
    assert [i.report.endpoints_tried for i in with_entry.images] == \
        [i.report.endpoints_tried for i in reference.images]
    assert [s.entry for s in current_lab.skipped] == ["https://registry-1.docker.io"]


def test_refused_mirror_fails_over_faster_than_blackholed(recommended_lab):
    refused = run(recommended_lab, "daemon-to-mirror1-refused", images=IMAGES[:1]).images[0].report
    blackholed = run(recommended_lab, "daemon-to-mirror1-blackhole", images=IMAGES[:1]).images[0].report

    assert refused.pulled and blackholed.pulled, f"{refused.summary()} / {blackholed.summary()}"
    assert refused.manifest_endpoint == blackholed.manifest_endpoint == "hub"
    assert blackholed.failover_seconds >= PING_TIMEOUT_SECONDS - 5, blackholed.summary()
    assert refused.failover_seconds < blackholed.failover_seconds - 10, (
        f"refused: {refused.failover_seconds:.1f} s, blackholed: {blackholed.failover_seconds:.1f} s")


@pytest.mark.parametrize("kind", ["http-503", "manifest-unknown"])
def test_failing_mirror_fails_over_to_next_endpoint(lab_factory, kind):
    lab = lab_factory(SAMPLES / "private-cache.json")
    first, second = lab.mirrors

    result = run(lab, f"daemon-to-{first.name}-{kind}")

    for image in result.images:
        assert image.outcome == "pulled", image.report.summary()
        assert image.report.manifest_endpoint == second.name, image.report.summary()
        assert not image.report.served_by_hub, image.report.summary()
    assert not result.leftovers


def test_stalled_mirror_is_reported_hung_without_hanging(recommended_lab):
    pull_timeout = 8.0
    started = time.monotonic()

    result = run(recommended_lab, "daemon-to-mirror1-stall", pull_timeout=pull_timeout)

    elapsed = time.monotonic() - started
    assert [image.outcome for image in result.images] == ["hung"] * len(IMAGES), result.describe()
    assert elapsed < pull_timeout + 45, f"the stall scenario took {elapsed:.0f} s"
    assert not result.leftovers


@pytest.mark.parametrize("scenario_id", [
    "daemon-to-mirror1-blackhole", "daemon-to-mirror1-unresolvable", "daemon-to-mirror1-http-429",
    "daemon-to-mirror1-tls-wrong-name", "mirror1-to-hub-http-503", "hub-down-cold",
    "mirror-restart-during-hub-outage",
])
def test_scenario_leaves_nothing_behind(recommended_lab, scenario_id):
    containers_before = lab_containers(recommended_lab)
    hosts_before = recommended_lab.daemon.hosts_file.read_text()

    result = run(recommended_lab, scenario_id, images=IMAGES[:1], pull_timeout=30)

    namespaces = [NetNamespace(path=recommended_lab.daemon.netns_path)]
    namespaces += [NetNamespace.of_process(m.pid) for m in recommended_lab.mirrors]
    for namespace in namespaces:
        assert remaining(namespace, run_id=recommended_lab.run.id) == []
    assert result.leftovers == []
    assert lab_containers(recommended_lab) == containers_before
    assert recommended_lab.daemon.hosts_file.read_text() == hosts_before
    assert all(m.answers() for m in recommended_lab.mirrors)
