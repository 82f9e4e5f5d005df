"""Pull times through the first mirror for images of one layer each of about 1, 10 and 100 MB.

The sizes come from MIRRORCHECK_BENCHMARK_LAYER_SIZES_MB (comma-separated, in MB of 10**6
bytes). Each size is one image pushed to the hub once, pulled cold and warm.
"""

from __future__ import annotations

import pytest

from suites.benchmark import checks
from suites.benchmark.content import lab_endpoint, pull_size
from suites.benchmark.figures import BYTES_PER_MB
from suites.benchmark.recording import record_figures
from suites.benchmark.rounds import PullRounds, start_cold, start_warm
from suites.benchmark.suite_options import layer_sizes_mb

pytestmark = [pytest.mark.slow, pytest.mark.lab]

REPOSITORY = "mirrorcheck/layer-size"


@pytest.fixture(scope="module")
def sized_images(benchmark_lab, pytestconfig):
    """Push an image of one layer of the given MB on first request; return its name."""
    pushed: dict[int, str] = {}

    def image_of(layer_mb: int) -> str:
        if layer_mb not in pushed:
            tag = f"{layer_mb}mb"
            benchmark_lab.push_image(REPOSITORY, tag, layer_size=layer_mb * BYTES_PER_MB)
            pushed[layer_mb] = f"{REPOSITORY}:{tag}"
        return pushed[layer_mb]

    return image_of


@pytest.mark.parametrize("cache", ["cold", "warm"])
@pytest.mark.parametrize("layer_mb", layer_sizes_mb(), ids=lambda size: f"{size}MB")
def test_layer_size_via_mirror(benchmark, benchmark_lab, first_mirror, sized_images, layer_mb,
                               cache, rounds, settings, results, pytestconfig):
    image = sized_images(layer_mb)
    pulls = PullRounds(lab=benchmark_lab, image=image, timeout=settings.pull_timeout)
    if cache == "warm":
        start_warm(benchmark_lab)
        filled = benchmark_lab.pull(image)
        assert filled.pulled, f"filling the mirror cache failed: {filled.summary()}"
        setup = start_warm
    else:
        setup = start_cold

    benchmark.pedantic(pulls.pull, setup=lambda: setup(benchmark_lab), rounds=rounds)

    reports = pulls.reports()
    checks.check_rounds_pulled(reports)
    checks.check_rounds_served_by(reports, first_mirror.name)
    round_requests = [report.requests for report in reports]
    if cache == "cold":
        checks.check_rounds_cold(round_requests, first_mirror.name)
    else:
        checks.check_rounds_warm(round_requests, first_mirror.name)
    size = pull_size(lab_endpoint(benchmark_lab, "hub", settings.request_timeout), image)
    benchmark.extra_info["layer_mb"] = layer_mb
    record_figures(benchmark, results, pytestconfig,
                   path=f"daemon via {first_mirror.name} ({first_mirror.endpoint.url}), "
                        f"one {layer_mb} MB layer",
                   image=image, cache=cache, size_bytes=size, measured=pulls.seconds)
