"""Progress lines for long work (lab start, each scenario, each benchmark), shown without -s."""

from __future__ import annotations

import contextlib
import logging
import threading
import time

import pytest

log = logging.getLogger(__name__)

_config: pytest.Config | None = None
_write_lock = threading.Lock()


def bind(config: pytest.Config | None) -> None:
    """Make `progress(None, ...)` write through this session's terminal reporter."""
    global _config
    _config = config


def bound_config() -> pytest.Config | None:
    """Return the config bound by the report plugin, or None outside a session."""
    return _config


def progress(config: pytest.Config | None, message: str) -> None:
    """Write one line to the terminal through pytest's terminal reporter, and log it.

    With config None, the session bound by the report plugin is used. Without any terminal
    reporter (for example under `-p no:terminal`) the line is only logged.
    """
    from mirrorcheck.report.redact import redact

    message = redact(message)
    log.info("%s", message)

    config = config or _config
    reporter = config.pluginmanager.get_plugin("terminalreporter") if config else None
    if reporter is None:
        return
    stamp = time.strftime("%H:%M:%S")
    capture = config.pluginmanager.get_plugin("capturemanager")
    # Inside a test, output capture would swallow the line; suspend it for this write.
    suspended = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with _write_lock, suspended:
        reporter.ensure_newline()
        reporter.write_line(f"[mirrorcheck {stamp}] {message}")
