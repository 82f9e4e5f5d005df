"""The report plugin: the `results` fixture, default report paths, the HTML report and summary.json.

Unless the user passes `--html` or `--junitxml`, the run writes `report.html`
(self-contained), `junit.xml` and, always, `summary.json` into the reports directory
(`--reports-dir`, env MIRRORCHECK_REPORTS_DIR, default `reports/` at the project root).
Every test report passes the redaction function before pytest-html, junitxml or the
terminal reads it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from mirrorcheck.options import PROJECT_ROOT
from mirrorcheck.report import html, inputs
from mirrorcheck.report import progress as progress_module
from mirrorcheck.report.outcomes import Outcomes
from mirrorcheck.report.redact import clear_registered_secrets, redact, redact_value
from mirrorcheck.report.summary import align_with_junit, build_summary, write_summary
from mirrorcheck.results import Results, results_of

log = logging.getLogger(__name__)

REPORTS_DIR_ENV = "MIRRORCHECK_REPORTS_DIR"
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "reports"
REPORT_TITLE = "mirrorcheck audit report"

REPORTS_DIR_KEY = pytest.StashKey[Path]()
OUTCOMES_KEY = pytest.StashKey[Outcomes]()


def pytest_addoption(parser: pytest.Parser) -> None:
    # Same description as mirrorcheck.plugin, because the first plugin to create the group names it.
    group = parser.getgroup("mirrorcheck", "mirrorcheck: Docker registry mirror checks")
    group.addoption(
        "--reports-dir", dest="mirrorcheck_reports_dir", default=None,
        help="directory for report.html, junit.xml and summary.json; --html and --junitxml "
             f"override the first two (default: reports/ at the project root) "
             f"[env {REPORTS_DIR_ENV}]",
    )


def resolve_reports_dir(config: pytest.Config) -> Path:
    """Return the reports directory from the option, the environment or the default."""
    given = config.getoption("mirrorcheck_reports_dir") or os.environ.get(REPORTS_DIR_ENV)
    source = "--reports-dir" if config.getoption("mirrorcheck_reports_dir") else REPORTS_DIR_ENV
    if not given:
        return DEFAULT_REPORTS_DIR
    path = Path(given).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise pytest.UsageError(
            f"{source} is {given}, which is a file; give a directory for the reports, "
            "for example --reports-dir=reports"
        )
    return path


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Reset the session's stores and point pytest-html and junitxml at the reports directory.

    It runs first, so the report plugins read the paths set here.
    """
    clear_registered_secrets()
    results_of(config)
    config.stash[OUTCOMES_KEY] = Outcomes()
    progress_module.bind(config)
    # A collection-only run tests nothing, and an xdist worker leaves reports to the controller.
    # Neither sets report paths, so the last real reports stay.
    if hasattr(config, "workerinput") or config.option.collectonly:
        return

    reports_dir = resolve_reports_dir(config)
    config.stash[REPORTS_DIR_KEY] = reports_dir
    if hasattr(config.option, "htmlpath") and not config.option.htmlpath:
        config.option.htmlpath = str(reports_dir / "report.html")
        config.option.self_contained_html = True
    if hasattr(config.option, "xmlpath") and not config.option.xmlpath:
        config.option.xmlpath = str(reports_dir / "junit.xml")
    log.info("reports go to %s", reports_dir)


def pytest_unconfigure(config: pytest.Config) -> None:
    progress_module.bind(None)


@pytest.fixture(scope="session")
def results(pytestconfig: pytest.Config) -> Results:
    """Return the session's results store, which the report and summary.json read."""
    return results_of(pytestconfig)


def _daemon_json_path(config: pytest.Config) -> Path | None:
    try:
        from mirrorcheck.plugin import SETTINGS_KEY
    except ImportError:
        return None
    settings = config.stash.get(SETTINGS_KEY, None)
    return settings.daemon_json if settings else None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Register the inputs' secrets, then mask pytest-metadata's table before pytest-html reads it."""
    config = session.config
    daemon_json_path = _daemon_json_path(config)
    if daemon_json_path is not None:
        inputs.register_daemon_json_secrets(daemon_json_path)
    inputs.register_docker_config_secrets()
    inputs.fill_environment(results_of(config), daemon_json_path)
    _redact_metadata(config)


def _redact_metadata(config: pytest.Config) -> None:
    try:
        from pytest_metadata.plugin import metadata_key
    except ImportError:
        return
    metadata = config.stash.get(metadata_key, None)
    if metadata is not None:
        redacted = redact_value(dict(metadata))
        metadata.clear()
        metadata.update(redacted)


def pytest_collection_finish(session: pytest.Session) -> None:
    outcomes = session.config.stash[OUTCOMES_KEY]
    for item in session.items:
        outcomes.describe(item, redact(item.nodeid))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Redact the report for every later reader, then count it."""
    _redact_report(report)
    config = _config_of(report)
    if config is not None:
        config.stash[OUTCOMES_KEY].add_test_report(report)


@pytest.hookimpl(tryfirst=True)
def pytest_collectreport(report: pytest.CollectReport) -> None:
    _redact_report(report)
    config = _config_of(report)
    if config is not None:
        config.stash[OUTCOMES_KEY].add_collect_report(report)


# Reports carry no config; the session's config is bound with the progress helper.
def _config_of(report) -> pytest.Config | None:
    return progress_module.bound_config()


def _redact_report(report) -> None:
    report.nodeid = redact(report.nodeid)
    location = getattr(report, "location", None)
    # A CollectReport's location is a read-only property computed from its nodeid.
    if location and isinstance(report, pytest.TestReport):
        report.location = (location[0], location[1], redact(location[2]))
    report.sections = [(title, redact(content)) for title, content in report.sections]
    report.user_properties = [(name, redact_value(value))
                              for name, value in getattr(report, "user_properties", [])]

    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        path, line, reason = report.longrepr
        report.longrepr = (path, line, redact(reason))
    elif report.longrepr is not None:
        text = report.longreprtext
        if redact(text) != text:
            # The plain text replaces the structured traceback, so keep its one-line cause.
            crash = getattr(report.longrepr, "reprcrash", None)
            if crash is not None:
                report.mirrorcheck_crash_message = redact(crash.message)
            report.longrepr = redact(text)

    extras = getattr(report, "extras", None)
    if extras:
        report.extras = [redact_value(extra) for extra in extras]


def pytest_html_report_title(report) -> None:
    report.title = REPORT_TITLE


def pytest_html_results_summary(prefix: list, summary: list, postfix: list,
                                session: pytest.Session) -> None:
    config = session.config
    exit_status = int(session.exitstatus)
    prefix.extend(html.summary_sections(results_of(config), config.stash[OUTCOMES_KEY],
                                        exit_status))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if REPORTS_DIR_KEY not in config.stash:
        return
    path = config.stash[REPORTS_DIR_KEY] / "summary.json"
    summary = build_summary(results_of(config), config.stash[OUTCOMES_KEY], int(exitstatus))
    junit_path = getattr(config.option, "xmlpath", None)
    align_with_junit(summary, Path(junit_path) if junit_path else None)
    try:
        write_summary(path, summary)
    except OSError as error:
        log.error("writing summary.json to %s failed: %s", path, error.strerror)
        return
    log.info("summary written to %s", path)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if REPORTS_DIR_KEY in config.stash:
        path = config.stash[REPORTS_DIR_KEY] / "summary.json"
        terminalreporter.write_sep("-", f"mirrorcheck summary: {path}")


@pytest.hookimpl(optionalhook=True)
def pytest_benchmark_update_json(config, benchmarks, output_json: dict) -> None:
    """Mask secrets in pytest-benchmark's saved runs, which also go under reports/."""
    redacted = redact_value(dict(output_json))
    output_json.clear()
    output_json.update(redacted)
