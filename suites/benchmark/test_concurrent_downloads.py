"""Pull times of a many-layer image at max-concurrent-downloads 1, 3 and the daemon.json's value.

Each level runs in its own lab, built from a copy of the daemon.json under test with only
that key changed. The pulls go through the first mirror with its cache filled, so the figures
show the daemon's own download concurrency rather than the mirror's fetches from the hub.
"""

from __future__ import annotations

import json
import time

import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.lab.lab import LOG_SETTLE_SECONDS

from suites.benchmark import checks
from suites.benchmark.concurrency import daemon_layer_downloads, peak_overlap
from suites.benchmark.content import lab_endpoint, layer_digests, pull_size
from suites.benchmark.figures import BYTES_PER_MB
from suites.benchmark.recording import record_figures
from suites.benchmark.rounds import PullRounds, start_warm
from suites.benchmark.suite_options import (
    CONCURRENCY_LAYER_MB_ENV, CONCURRENCY_LAYERS_ENV, DEFAULT_CONCURRENCY_LAYER_MB,
    DEFAULT_CONCURRENCY_LAYERS, int_from_env,
)

pytestmark = [pytest.mark.slow, pytest.mark.lab]

REPOSITORY = "mirrorcheck/many-layers"
TAG = "latest"


@pytest.fixture
def concurrency_lab(lab_factory, daemon_json, concurrency, tmp_path, pytestconfig):
    """A lab whose daemon.json is the one under test with max-concurrent-downloads changed."""
    data = {**daemon_json.data, "max-concurrent-downloads": concurrency}
    path = tmp_path / "daemon.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    lab = lab_factory(daemon_json_module.load(path))
    yield lab
    # Closed now, not at session end, so labs of earlier levels do not share the CPU.
    lab.close()


def test_max_concurrent_downloads(benchmark, concurrency_lab, concurrency, rounds, settings,
                                  results, pytestconfig):
    lab = concurrency_lab
    if not lab.mirrors:
        pytest.skip("the daemon.json under test has no registry-mirrors entry the lab can run")
    mirror = lab.mirrors[0]
    layers = int_from_env(CONCURRENCY_LAYERS_ENV, DEFAULT_CONCURRENCY_LAYERS)
    layer_mb = int_from_env(CONCURRENCY_LAYER_MB_ENV, DEFAULT_CONCURRENCY_LAYER_MB)
    lab.push_image(REPOSITORY, TAG, layer_size=layer_mb * BYTES_PER_MB, layer_count=layers)
    image = f"{REPOSITORY}:{TAG}"
    filled = lab.pull(image)
    assert filled.pulled, f"filling the mirror cache failed: {filled.summary()}"
    pulls = PullRounds(lab=lab, image=image, timeout=settings.pull_timeout)

    benchmark.pedantic(pulls.pull, setup=lambda: start_warm(lab), rounds=rounds)

    reports = pulls.reports()
    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, mirror.name)
    checks.check_rounds_warm([report.requests for report in reports], mirror.name)
    hub = lab_endpoint(lab, "hub", settings.request_timeout)
    peak = _peak_downloads(lab, mirror, pulls, layer_digests(hub, image))
    assert peak <= concurrency, (
        f"expected at most {concurrency} layer downloads at once with max-concurrent-downloads="
        f"{concurrency}, but {mirror.name}'s access log shows {peak}; the daemon under test "
        "did not apply the daemon.json value"
    )
    benchmark.extra_info.update({"max_concurrent_downloads": concurrency, "layers": layers,
                                 "layer_mb": layer_mb, "peak_downloads": peak})
    record_figures(benchmark, results, pytestconfig,
                   path=f"daemon via {mirror.name} ({mirror.endpoint.url}), "
                        f"max-concurrent-downloads={concurrency}, {layers} layers",
                   image=image, cache="warm",
                   size_bytes=pull_size(hub, image),
                   measured=pulls.seconds)


def _peak_downloads(lab, mirror, pulls: PullRounds, layers: set[str]) -> int:
    """Return the maximum number of concurrent layer downloads by the daemon in any round."""
    time.sleep(LOG_SETTLE_SECONDS)
    entries = mirror.access_log(since=pulls.outcomes[0].started_at)
    peak = 0
    for outcome in pulls.outcomes:
        end = outcome.started_at + outcome.seconds + LOG_SETTLE_SECONDS
        intervals = daemon_layer_downloads(mirror.name, entries, lab.daemon.ip, layers,
                                           outcome.started_at, end)
        peak = max(peak, peak_overlap(intervals))
    return peak
