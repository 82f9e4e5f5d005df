"""Fetch times of the registry client for each critical image: manifest, config and layers,
from the hub and from each mirror, cold and warm."""

from __future__ import annotations

import time

import pytest

from mirrorcheck.lab.lab import LOG_SETTLE_SECONDS

from suites.benchmark import checks
from suites.benchmark.content import fetch_image, lab_endpoint
from suites.benchmark.recording import record_figures
from suites.benchmark.rounds import requests_between

pytestmark = [pytest.mark.slow, pytest.mark.lab]


class FetchRounds:
    """The timed fetches of one benchmark, with each round's start and end in epoch seconds."""

    def __init__(self, endpoint, image: str) -> None:
        self.endpoint = endpoint
        self.image = image
        self.windows: list[tuple[float, float]] = []
        self.seconds: list[float] = []
        self.sizes: list[int] = []

    def fetch(self) -> int:
        """Fetch the image once: the timed target of a round."""
        started_at = time.time()
        start = time.perf_counter()
        size = fetch_image(self.endpoint, self.image)
        self.seconds.append(time.perf_counter() - start)
        self.windows.append((started_at, time.time()))
        self.sizes.append(size)
        return size

    def round_requests(self, lab) -> list[list]:
        time.sleep(LOG_SETTLE_SECONDS)
        return [requests_between(lab, start, end + LOG_SETTLE_SECONDS)
                for start, end in self.windows]


def test_client_from_hub(benchmark, benchmark_lab, image, rounds, settings, results,
                         pytestconfig):
    fetches = FetchRounds(lab_endpoint(benchmark_lab, "hub", settings.request_timeout), image)

    benchmark.pedantic(fetches.fetch, rounds=rounds)

    # The hub stores every image itself, so there is no cold state to set up. "warm" records
    # that nothing was fetched from further upstream.
    record_figures(benchmark, results, pytestconfig, path="registry client to hub",
                   image=image, cache="warm", size_bytes=fetches.sizes[0],
                   measured=fetches.seconds)


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_client_from_mirror(benchmark, benchmark_lab, mirror_name, image, cache, rounds,
                            settings, results, pytestconfig):
    endpoint = lab_endpoint(benchmark_lab, mirror_name, settings.request_timeout)
    fetches = FetchRounds(endpoint, image)
    if cache == "warm":
        fetch_image(endpoint, image)
        setup = None
    else:
        setup = benchmark_lab.clear_mirror_caches

    benchmark.pedantic(fetches.fetch, setup=setup, rounds=rounds)

    round_requests = fetches.round_requests(benchmark_lab)
    if cache == "cold":
        checks.check_rounds_cold(round_requests, mirror_name)
    else:
        checks.check_rounds_warm(round_requests, mirror_name)
    registry = benchmark_lab.registry(mirror_name)
    record_figures(benchmark, results, pytestconfig,
                   path=f"registry client to {mirror_name} ({registry.endpoint.url})",
                   image=image, cache=cache, size_bytes=fetches.sizes[0],
                   measured=fetches.seconds)
