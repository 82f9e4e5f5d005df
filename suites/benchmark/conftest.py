"""Fixtures of the benchmark suite: its own lab, the round count, and per-endpoint parameters.

Helpers are imported as `suites.benchmark.<module>`: the project root is on sys.path because
pytest inserts the directory of the root conftest.py (rootdir-relative, prepend import mode).
"""

from __future__ import annotations

import ipaddress

import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.lab.lab import Lab
from mirrorcheck.lab.topology import plan
from mirrorcheck.plugin import settings_of
from mirrorcheck.report.progress import progress

from suites.benchmark.suite_options import benchmark_rounds, concurrency_levels

# Any private /24 serves: only the endpoint names of the plan are used, never its addresses.
NAMING_SUBNET = ipaddress.ip_network("10.214.0.0/24")


def _planned_mirror_names(config: pytest.Config) -> list[str]:
    """Return the lab's names for the mirrors of the daemon.json under test: mirror1, ..."""
    document = daemon_json_module.load(settings_of(config).daemon_json)
    return [mirror.name for mirror in plan(document.mirrors, NAMING_SUBNET).mirrors]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize by critical image, lab mirror and max-concurrent-downloads level."""
    config = metafunc.config
    if "image" in metafunc.fixturenames:
        metafunc.parametrize("image", settings_of(config).images)
    if "mirror_name" in metafunc.fixturenames:
        names = _planned_mirror_names(config)
        # An empty list makes pytest skip the test, naming the empty parameter set.
        metafunc.parametrize("mirror_name", names)
    if "concurrency" in metafunc.fixturenames:
        document = daemon_json_module.load(settings_of(config).daemon_json)
        levels = concurrency_levels(document.data)
        metafunc.parametrize("concurrency", [value for _, value in levels],
                             ids=[label for label, _ in levels])


@pytest.fixture(scope="session")
def rounds() -> int:
    """Rounds each benchmark runs (env MIRRORCHECK_BENCHMARK_ROUNDS)."""
    try:
        return benchmark_rounds()
    except MirrorcheckError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.fixture(scope="session")
def benchmark_lab(lab_factory, daemon_json, pytestconfig) -> Lab:
    """A lab for the daemon.json under test, apart from the session lab of the other suites.

    Benchmarks empty caches and install the refused outage on mirrors between rounds. In a
    lab of their own, that state never reaches the checks of another suite.
    """
    progress(pytestconfig, f"starting the benchmark lab for {daemon_json.path}")
    lab = lab_factory(daemon_json)
    progress(pytestconfig, f"benchmark lab started in {lab.seconds_to_start:.1f} s with "
                           f"{len(lab.mirrors)} mirror(s)")
    return lab


@pytest.fixture
def first_mirror(benchmark_lab):
    """The mirror the daemon under test tries first; skips when the daemon.json has none."""
    if not benchmark_lab.mirrors:
        pytest.skip("the daemon.json under test has no registry-mirrors entry the lab can run")
    return benchmark_lab.mirrors[0]

