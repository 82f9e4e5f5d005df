"""Checks that a round measured the path and cache state it claims, read from the access logs.

A timing is only worth comparing across runs when every round went the same way: a "cold"
round the mirror served from its cache, or a "via mirror" round the hub served, would make
the figures describe another path.
"""

from __future__ import annotations

from mirrorcheck.lab.accesslog import Request
from mirrorcheck.lab.pulls import PullReport

HUB = "hub"


def upstream_blob_fetches(requests: list[Request], mirror: str) -> list[Request]:
    """Return the blob GETs a mirror sent to the hub and got served."""
    return [request for request in requests
            if request.client == mirror and request.registry == HUB
            and request.kind == "blob" and request.method == "GET" and request.served]


def check_rounds_pulled(reports: list[PullReport]) -> None:
    for number, report in enumerate(reports, start=1):
        assert report.pulled, (
            f"round {number}: expected the pull to succeed, got: {report.summary()}; "
            "the figures would time a failure, so read the daemon's error above"
        )


def check_rounds_served_by(reports: list[PullReport], registry: str) -> None:
    for number, report in enumerate(reports, start=1):
        assert report.manifest_endpoint == registry, (
            f"round {number}: expected the manifest from {registry}, got it from "
            f"{report.manifest_endpoint or 'nobody'} ({report.summary()}); the round timed "
            "another path than the benchmark names"
        )
        assert report.blob_endpoints == [registry], (
            f"round {number}: expected every blob from {registry}, got them from "
            f"{report.blob_endpoints or 'nobody'} ({report.summary()})"
        )


def check_rounds_cold(round_requests: list[list[Request]], mirror: str) -> None:
    """Check that the mirror fetched blobs from the hub in every round: its cache was empty."""
    for number, requests in enumerate(round_requests, start=1):
        fetched = upstream_blob_fetches(requests, mirror)
        assert fetched, (
            f"round {number}: expected {mirror} to fetch blobs from the hub (a cold cache), "
            f"but it fetched none; {len(requests)} lab request(s) in that round. The cache "
            "was not emptied before the round, so its time is a warm one"
        )


def check_rounds_warm(round_requests: list[list[Request]], mirror: str) -> None:
    """Check that the mirror fetched no blob from the hub in any round: it served its cache."""
    for number, requests in enumerate(round_requests, start=1):
        fetched = upstream_blob_fetches(requests, mirror)
        assert not fetched, (
            f"round {number}: expected {mirror} to serve every blob from its cache, but it "
            f"fetched {len(fetched)} from the hub: {[r.path for r in fetched]}; the cache "
            "was not filled before the round, so its time is a cold one"
        )
