"""Redaction, the results store's input checks, the SVG charts and the reports directory."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading

import pytest
from synthetic_session import run_session, write_inputs, write_suites

from mirrorcheck.options import PROJECT_ROOT
from mirrorcheck.report import redact as redact_module
from mirrorcheck.report.redact import redact
from mirrorcheck.report.svg import BarRow, RangeRow, bar_chart, nice_maximum, range_chart
from mirrorcheck.results import Results, ResultsError


@pytest.fixture
def fresh_secrets():
    redact_module.clear_registered_secrets()
    yield
    redact_module.clear_registered_secrets()


@pytest.mark.parametrize(("text", "expected"), [
    ("https://user:pa55word@127.0.0.1:5000/v2/", "https://***@127.0.0.1:5000/v2/"),
    ("mirror http://token@127.0.0.1", "mirror http://***@127.0.0.1"),
    ('{"auth": "dXNlcjpwYXNz", "email": "a@b"}', '{"auth": "***", "email": "a@b"}'),
    ("{'password': 'hunter2'}", "{'password': '***'}"),
    ('"identitytoken":"abc.def"', '"identitytoken":"***"'),
    ("Authorization: Bearer eyJhbGciOi.x-y_z", "Authorization: Bearer ***"),
    ("Basic dXNlcjpwYXNz", "Basic ***"),
    ("password=hunter2&x=1", "password=***&x=1"),
    ("no secret in https://127.0.0.1:5000", "no secret in https://127.0.0.1:5000"),
    ("", ""),
])
def test_redact_patterns(fresh_secrets, text, expected):
    assert redact(text) == expected


def test_redact_registered_docker_auth(fresh_secrets):
    auth = base64.b64encode(b"alice:Sw0rdfish!").decode()
    redact_module.register_docker_auth(auth)

    assert redact(f"token {auth}") == "token ***"
    assert redact("password is Sw0rdfish!") == "password is ***"
    assert redact("user alice:Sw0rdfish! logged in") == "user *** logged in"


def test_redact_registered_url_password(fresh_secrets):
    redact_module.register_url_credentials("https://bob:p%40ss-word@127.0.0.1:5000")
    assert redact("it was p@ss-word") == "it was ***"
    assert redact("encoded p%40ss-word") == "encoded ***"


def test_short_secret_not_registered(fresh_secrets):
    redact_module.register_secret("ab")
    assert redact("about abc") == "about abc"


def test_store_rejects_unknown_outcome():
    results = Results()
    with pytest.raises(ResultsError, match="pull outcome is 'ok'; record one of pulled, failed, hung"):
        results.record_fallback("baseline", "alpine:latest", "ok")
    with pytest.raises(ResultsError, match="severity is 'fatal'"):
        results.record_finding("fatal", "rule", "message")
    with pytest.raises(ResultsError, match="cache is 'hot'"):
        results.record_benchmark("pull", "mirror", "alpine:latest", "hot", 1, 1, 1, 1)
    with pytest.raises(ResultsError, match="conformance outcome is 'skip'"):
        results.record_conformance("http://127.0.0.1:5000", "ping", "skip")


def test_store_redacts_on_record():
    results = Results()
    row = results.record_fallback("mirror https://u:hunter22@127.0.0.1 down", "alpine:latest",
                                  "failed", blob_endpoints=["https://u:hunter22@127.0.0.1"],
                                  daemon_error="Bearer abc.def")
    assert row.scenario == "mirror https://***@127.0.0.1 down"
    assert row.blob_endpoints == ("https://***@127.0.0.1",)
    assert row.daemon_error == "Bearer ***"
    assert "hunter22" not in str(results.to_dict())


def test_store_environment_keeps_earlier_values():
    results = Results()
    results.set_environment(host="runner-1", daemon_json_path="/etc/docker/daemon.json")
    results.set_environment(engine_version="27.3.1")
    assert results.environment.host == "runner-1"
    assert results.environment.engine_version == "27.3.1"


def test_store_records_from_threads():
    results = Results()

    def record(index: int) -> None:
        for _ in range(50):
            results.record_fallback(f"scenario {index}", "alpine:latest", "pulled")

    threads = [threading.Thread(target=record, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results.to_dict()["fallback_matrix"]) == 400


@pytest.mark.parametrize(("value", "expected"), [
    (0, 1.0), (0.7, 1.0), (1.0, 1.0), (1.2, 2.0), (4.6, 5.0), (120.5, 200.0), (999, 1000.0),
])
def test_nice_maximum(value, expected):
    assert nice_maximum(value) == pytest.approx(expected)


def test_range_chart_draws_each_row():
    chart = range_chart("Pull time", "seconds", [RangeRow("a & b", 1, 2, 3, 4),
                                                 RangeRow("c", 0.5, 0.6, 0.7, 0.9)])
    assert chart.startswith("<svg")
    assert chart.count("<rect") == 2
    assert "a &amp; b" in chart
    assert "min 1, median 2, p90 3, max 4 seconds" in chart


def test_charts_empty_without_rows():
    assert range_chart("t", "s", []) == ""
    assert bar_chart("t", "MB/s", []) == ""


def test_bar_chart_truncates_long_label():
    label = "daemon via a very long path name " * 4
    chart = bar_chart("Throughput", "MB/s", [BarRow(label, 12.0)])
    assert "\u2026" in chart
    assert label.strip() in chart  # kept whole in the tooltip


def test_reports_dir_that_is_file(tmp_path):
    not_a_directory = tmp_path / "reports"
    not_a_directory.write_text("", encoding="utf-8")
    daemon_json, docker_config = write_inputs(tmp_path)
    write_suites(tmp_path)

    completed = run_session(tmp_path, daemon_json, docker_config,
                            f"--reports-dir={not_a_directory}")

    assert completed.returncode == 4, completed.stderr
    assert "--reports-dir is" in completed.stderr
    assert "which is a file; give a directory" in completed.stderr


def test_given_html_and_junit_paths_win(tmp_path):
    daemon_json, docker_config = write_inputs(tmp_path)
    write_suites(tmp_path)
    html, junit = tmp_path / "elsewhere" / "r.html", tmp_path / "elsewhere" / "j.xml"

    run_session(tmp_path, daemon_json, docker_config, f"--reports-dir={tmp_path / 'out'}",
                f"--html={html}", f"--junitxml={junit}")

    assert html.exists()
    assert junit.exists()
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["summary.json"]


def test_reports_dir_from_environment(tmp_path):
    daemon_json, docker_config = write_inputs(tmp_path)
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "test_one.py").write_text("def test_one():\n    pass\n")
    env_dir = tmp_path / "from-env"

    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "mirrorcheck.plugin",
         "-p", "mirrorcheck.report.plugin", "--daemon-json", str(daemon_json), "suites"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={**_environment(), "MIRRORCHECK_REPORTS_DIR": str(env_dir)},
    )

    assert completed.returncode == 0, completed.stdout[-2000:]
    assert sorted(path.name for path in env_dir.iterdir()) == [
        "junit.xml", "report.html", "summary.json"]


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
