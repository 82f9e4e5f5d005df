"""The mirrorcheck pytest plugin: options, settings, and the fixtures every suite shares."""

from __future__ import annotations

import logging
import signal

import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.options import Settings, add_options, resolve_settings

log = logging.getLogger(__name__)

SETTINGS_KEY = pytest.StashKey[Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        settings = resolve_settings(config)
    except MirrorcheckError as error:
        raise pytest.UsageError(str(error)) from None
    if not settings.daemon_json.exists():
        raise pytest.UsageError(
            f"daemon.json not found at {settings.daemon_json}; pass an existing file with "
            "--daemon-json or MIRRORCHECK_DAEMON_JSON, "
            "for example fixtures/daemon-json/recommended.json"
        )
    config.stash[SETTINGS_KEY] = settings
    _stop_cleanly_on_sigterm()


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _stop_cleanly_on_sigterm() -> None:
    # A CI runner cancels a job with SIGTERM; as KeyboardInterrupt, pytest still runs the
    # fixture teardowns that remove the lab. SIGKILL cannot be caught: the next run sweeps.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Show a MirrorcheckError as its message alone: it names the value and the fix."""
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(MirrorcheckError):
        report.longrepr = f"{call.excinfo.typename}: {call.excinfo.value}"
    return report


def settings_of(config: pytest.Config) -> Settings:
    return config.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved mirrorcheck options."""
    return settings_of(pytestconfig)


@pytest.fixture(scope="session")
def daemon_json(settings: Settings) -> daemon_json_module.DaemonJson:
    """The daemon.json under test, parsed; a file that does not parse fails with its cause."""
    return daemon_json_module.load(settings.daemon_json)
