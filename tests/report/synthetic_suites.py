"""Test files of a small synthetic session that records into the results store.

The files mimic the four suites, so the report has a section for each. Every secret below is
placed where a careless suite could leak it: a finding, a printed line, a log record, an
assertion message, a parametrized test id and a benchmark name.
"""

MIRROR_PASSWORD = "S3cretMirrorPass"
MIRROR_URL = f"https://mirroruser:{MIRROR_PASSWORD}@127.0.0.1:5999"
DOCKER_USER = "registryuser"
DOCKER_PASSWORD = "DockerCfgPass42"
DOCKER_IDENTITY_TOKEN = "IdTokenValue-0c1d2e3f"

PYTEST_INI = """\
[pytest]
markers =
    gate: the fast pre-deployment subset
"""

CONFIG_SUITE = f'''
import json
import logging
import os

import pytest

log = logging.getLogger("synthetic.config")
MIRROR_URL = "{MIRROR_URL}"


@pytest.mark.gate
def test_mirrors_are_not_docker_hub(results):
    """registry-mirrors lists no Docker Hub endpoint."""
    results.record_finding("warning", "single-mirror", f"only one mirror: {{MIRROR_URL}}",
                           fix="add a second mirror or a private pull-through cache",
                           entry=MIRROR_URL)
    results.record_finding("info", "live-restore", "live-restore is on")
    results.set_corrected_daemon_json(
        diff="--- daemon.json\\n+++ daemon.json (suggested)\\n"
             f"-  \\"registry-mirrors\\": [\\"{{MIRROR_URL}}\\"]\\n"
             "+  \\"registry-mirrors\\": [\\"https://127.0.0.1:5999\\", \\"https://127.0.0.1:6000\\"]\\n",
        text='{{"registry-mirrors": ["https://127.0.0.1:5999", "https://127.0.0.1:6000"]}}\\n')
    log.warning("checked mirror %s", MIRROR_URL)
    print("mirror under test:", MIRROR_URL)

    with open(os.path.join(os.environ["DOCKER_CONFIG"], "config.json")) as file:
        auths = json.load(file)["auths"]
    print("docker config auth", auths["127.0.0.1:5999"]["auth"])
    log.info("identity token %s", auths["127.0.0.1:6000"]["identitytoken"])


def test_mirror_urls_carry_no_credentials():
    """A mirror URL carries no user name or password."""
    assert "@" not in MIRROR_URL, f"expected no credentials, found them in {{MIRROR_URL}}"


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown failed while removing the scratch file")


def test_corrected_file_is_accepted(broken_teardown):
    """The corrected daemon.json starts dockerd."""
    assert False, "expected dockerd to start, it exited with status 1"
'''

CONFORMANCE_SUITE = f'''
import pytest

MIRROR_URL = "{MIRROR_URL}"


@pytest.mark.gate
@pytest.mark.parametrize("target", [MIRROR_URL])
def test_ping_answers_200_or_401(results, target):
    """GET /v2/ returns 200 or 401 with a usable challenge."""
    results.record_conformance(target, "ping", "pass",
                               rate_limit={{"RateLimit-Limit": "100;w=21600"}})


def test_range_request_gets_206(results):
    """A Range request on a blob gets 206 with a correct Content-Range."""
    results.record_conformance("http://127.0.0.1:5001", "blob range", "unsupported",
                               detail="the lab mirror ignores Range")
    pytest.skip("unsupported: the lab mirror ignores Range")


@pytest.mark.xfail(reason="registry:2 sends no RateLimit headers", strict=True)
def test_rate_limit_headers_are_shown():
    """RateLimit-* headers are parsed and shown."""
    assert False
'''

FALLBACK_SUITE = '''
import pytest

from mirrorcheck.report.progress import progress

SCENARIOS = {
    "baseline": [("pulled", "http://127.0.0.1:5001", 2.1, 0.0, False, "")],
    "hub blackholed": [("pulled", "http://127.0.0.1:5001", 2.4, 0.0, False, "")],
    "mirror-a refused": [("pulled", "https://registry-1.docker.io", 3.9, 0.4, True, "")],
    "mirror-a stalled": [("hung", "", 150.0, None, False,
                          "context deadline exceeded while reading the manifest")],
}
IMAGES = ["alpine:latest", "nginx:alpine"]


@pytest.mark.gate
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_warm_images_pull_during_outage(results, pytestconfig, scenario):
    """Every warm critical image pulls within the failover budget."""
    progress(pytestconfig, f"scenario {scenario}: pulling {len(IMAGES)} images")
    for image in IMAGES:
        outcome, endpoint, total, failover, hub, error = SCENARIOS[scenario][0]
        results.record_fallback(scenario, image, outcome, endpoint, [endpoint] if endpoint else [],
                                total, failover, error, hub)
'''

BENCHMARK_SUITE = f'''
import pytest

MIRROR_URL = "{MIRROR_URL}"
FIGURES = [
    ("daemon via mirror", "alpine:latest", "cold", 1.8, 2.2, 2.9, 3.4, 41.0),
    ("daemon via mirror", "alpine:latest", "warm", 0.6, 0.7, 0.9, 1.1, 120.5),
    ("daemon via hub, mirrors blocked", "alpine:latest", "cold", 2.5, 3.1, 3.8, 4.6, 28.2),
]


def test_pull_times_are_recorded(results):
    """Pull times of each path are recorded with min, median, p90 and max."""
    for path, image, cache, low, median, p90, high, rate in FIGURES:
        results.record_benchmark(f"pull {{image}}", path, image, cache, low, median, p90,
                                 high, rate)


@pytest.mark.parametrize("endpoint", [MIRROR_URL])
def test_client_reads_blob(benchmark, endpoint):
    """The registry client reads a blob faster than the daemon pulls it."""
    benchmark.pedantic(sum, args=(range(1000),), rounds=3, iterations=1)
'''

SUITES = {
    "suites/config/test_config.py": CONFIG_SUITE,
    "suites/conformance/test_conformance.py": CONFORMANCE_SUITE,
    "suites/fallback/test_fallback.py": FALLBACK_SUITE,
    "suites/benchmark/test_benchmark.py": BENCHMARK_SUITE,
}

# What the synthetic session must count: the config failure with a broken teardown counts
# once as failed and once as an error, as pytest and junit.xml count it.
EXPECTED_COUNTS = {"passed": 8, "failed": 2, "error": 1, "skipped": 1, "xfailed": 1,
                   "xpassed": 0, "tests": 12}
