"""Blob download throughput of the registry client against curl, from the same local registry.

Both download the same 50 MiB blob over a new TLS connection each round from a docker-registry
on 127.0.0.1; curl's own `time_total` is used, so process start-up is not counted.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess

import pytest

from mirrorcheck.registry import RegistryClient
from mirrorcheck.registry.push import push_blob

BLOB_SIZE = 50 << 20
ROUNDS = 5
MIN_RATIO = 0.9


@pytest.fixture(scope="module")
def large_blob(hub) -> str:
    with RegistryClient(hub.url, ca_bundle=hub.ca.ca_pem) as client:
        return push_blob(client, "bench/blob", os.urandom(BLOB_SIZE))


def curl_seconds(url: str, ca_pem: str) -> float:
    completed = subprocess.run(
        ["curl", "--silent", "--show-error", "--fail", "--cacert", ca_pem, "--output",
         os.devnull, "--write-out", "%{time_total}", url],
        capture_output=True, text=True, check=True,
    )
    return float(completed.stdout)


@pytest.mark.slow
def test_client_throughput_matches_curl(benchmark, hub, large_blob):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed, so there is nothing to compare with")
    url = f"{hub.url}/v2/bench/blob/blobs/{large_blob}"

    def download() -> None:
        with RegistryClient(hub.url, ca_bundle=hub.ca.ca_pem) as client:
            client.download_blob("bench/blob", large_blob)

    benchmark.pedantic(download, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    curl_runs = [curl_seconds(url, str(hub.ca.ca_pem)) for _ in range(ROUNDS)]

    client_rate = BLOB_SIZE / benchmark.stats.stats.median
    curl_rate = BLOB_SIZE / statistics.median(curl_runs)
    ratio = client_rate / curl_rate
    benchmark.extra_info.update({
        "blob_bytes": BLOB_SIZE,
        "client_mib_per_s": round(client_rate / (1 << 20), 1),
        "curl_mib_per_s": round(curl_rate / (1 << 20), 1),
        "client_to_curl_ratio": round(ratio, 3),
    })
    assert ratio >= MIN_RATIO, (
        f"client throughput {client_rate / (1 << 20):.0f} MiB/s is {ratio:.2f} of curl's "
        f"{curl_rate / (1 << 20):.0f} MiB/s for the same blob, expected at least {MIN_RATIO}; "
        "profile mirrorcheck.registry.blobs.read_verified"
    )
