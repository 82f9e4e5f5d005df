"""Round set-ups against a real lab: a cold round really starts with an empty mirror cache,
a warm one really reads the cache, and a refused mirror really sends the daemon to the hub."""

from __future__ import annotations

import pytest

from mirrorcheck.faults import NetNamespace, remaining
from mirrorcheck.options import FIXTURES

from suites.benchmark import checks
from suites.benchmark.rounds import PullRounds, mirrors_refused, start_cold, start_warm

pytestmark = pytest.mark.lab

IMAGE = "alpine:latest"


@pytest.fixture(scope="module")
def recommended_lab(lab_factory):
    return lab_factory(FIXTURES / "daemon-json" / "recommended.json")


def _cached_files(mirror) -> list:
    return [path for path in mirror.spec.storage_dir.rglob("*") if path.is_file()]


def _two_rounds(lab, setup) -> list:
    pulls = PullRounds(lab=lab, image=IMAGE, timeout=120)
    for _ in range(2):
        setup(lab)
        pulls.pull()
    return pulls.reports()


def test_cold_setup_empties_mirror_storage(recommended_lab):
    mirror = recommended_lab.mirrors[0]
    assert recommended_lab.pull(IMAGE).pulled
    assert _cached_files(mirror), "the pull should have filled the mirror's storage"

    start_cold(recommended_lab)

    assert _cached_files(mirror) == []


def test_cold_rounds_fetch_from_hub(recommended_lab):
    mirror = recommended_lab.mirrors[0]

    reports = _two_rounds(recommended_lab, start_cold)

    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, mirror.name)
    for report in reports:
        fetched = checks.upstream_blob_fetches(report.upstream_requests(mirror.name), mirror.name)
        assert fetched, f"expected {mirror.name} to fetch blobs from the hub: {report.summary()}"
    checks.check_rounds_cold([report.requests for report in reports], mirror.name)


def test_warm_rounds_read_mirror_cache(recommended_lab):
    mirror = recommended_lab.mirrors[0]
    start_warm(recommended_lab)
    assert recommended_lab.pull(IMAGE).pulled

    reports = _two_rounds(recommended_lab, start_warm)

    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, mirror.name)
    checks.check_rounds_warm([report.requests for report in reports], mirror.name)
    with pytest.raises(AssertionError, match="expected mirror1 to fetch blobs from the hub"):
        checks.check_rounds_cold([report.requests for report in reports], mirror.name)


def test_cold_check_fails_on_warm_round(recommended_lab):
    mirror = recommended_lab.mirrors[0]
    reports = _two_rounds(recommended_lab, start_cold)

    with pytest.raises(AssertionError, match="expected mirror1 to serve every blob"):
        checks.check_rounds_warm([report.requests for report in reports], mirror.name)


def test_refused_mirrors_send_daemon_to_hub(recommended_lab):
    namespace = NetNamespace(path=recommended_lab.daemon.netns_path)

    with mirrors_refused(recommended_lab):
        reports = _two_rounds(recommended_lab, start_warm)

    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, "hub")
    assert remaining(namespace, run_id=recommended_lab.run.id) == []
