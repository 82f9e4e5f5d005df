"""Fixtures of the conformance suite: one run of every check per target.

Targets are the `--mirror` URLs when given (read-only), else the lab's mirrors, which are
named by the `registry-mirrors` entries of the daemon.json under test.
"""

from __future__ import annotations

import logging

import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.conformance.outcomes import (  # noqa: F401  (hooks for this directory)
    pytest_report_teststatus,
    pytest_runtest_makereport,
)
from mirrorcheck.conformance.samples import Samples, resolve_samples
from mirrorcheck.conformance.targets import Target, lab_targets, live_targets, skip_reason
from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.plugin import settings_of
from mirrorcheck.registry import RegistryClient, load_credentials, mediatypes

log = logging.getLogger(__name__)


def target_names(config: pytest.Config) -> tuple[list[str], str]:
    """Return the target names known at collection, and the skip reason used when there are none."""
    settings = settings_of(config)
    if settings.mirrors:
        return list(settings.mirrors), ""
    try:
        entries = daemon_json_module.load(settings.daemon_json).mirrors
    except MirrorcheckError as error:
        return [], f"the daemon.json under test cannot be read, so the lab has no mirrors: {error}"
    reason = (f"{settings.daemon_json} lists no registry-mirrors; give --mirror URL to check a "
              "live mirror")
    return [str(entry) for entry in entries], reason


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" not in metafunc.fixturenames:
        return
    names, reason = target_names(metafunc.config)
    if not names:
        metafunc.parametrize("target", [pytest.param(None, marks=pytest.mark.skip(reason=reason))],
                             ids=["no-target"], indirect=True, scope="session")
        return
    metafunc.parametrize("target", names, ids=names, indirect=True, scope="session")


@pytest.fixture(scope="session")
def live_run(settings) -> bool:
    """True when the targets are live `--mirror` URLs, which the suite must never write to."""
    return bool(settings.mirrors)


@pytest.fixture(scope="session")
def conformance_targets(request: pytest.FixtureRequest, settings, live_run) -> list[Target]:
    """Every target of this run: the `--mirror` URLs, or the lab's mirrors."""
    if live_run:
        return live_targets(settings.mirrors, settings.reference, settings.ca_bundle)
    try:
        lab = request.getfixturevalue("lab")
    except pytest.FixtureLookupError:
        pytest.skip("no `lab` fixture is installed; give --mirror URL to check a live mirror")
    return lab_targets(lab, settings.reference, settings.images)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, conformance_targets: list[Target],
           live_run: bool) -> Target:
    for candidate in conformance_targets:
        if candidate.name == request.param:
            return candidate
    reason = None if live_run else skip_reason(request.getfixturevalue("lab"), request.param)
    if reason:
        pytest.skip(f"the lab built no mirror for {request.param}: {reason}")
    known = [candidate.name for candidate in conformance_targets]
    raise MirrorcheckError(
        f"the lab has no mirror for the daemon.json entry {request.param!r}; its mirrors are "
        f"{known}"
    )


@pytest.fixture(scope="session")
def client(target: Target, settings) -> RegistryClient:
    """A read-only client for the target, with the user's docker login for its host."""
    credentials = load_credentials(target.base_url)
    registry_client = RegistryClient(target.base_url, ca_bundle=target.ca_bundle,
                                     timeout=settings.request_timeout, credentials=credentials)
    yield registry_client
    registry_client.close()


@pytest.fixture(scope="session")
def samples(client: RegistryClient, target: Target) -> Samples:
    return resolve_samples(client, target.references())


@pytest.fixture(params=mediatypes.MANIFEST_TYPES,
                ids=[mediatypes.SHORT_NAMES[media_type] for media_type in mediatypes.MANIFEST_TYPES])
def media_type(request: pytest.FixtureRequest) -> str:
    return request.param
