"""HTML sections the report plugin puts into pytest-html's summary: verdict, suites, matrix, charts.

Every function returns a string of HTML built from the results store and the test outcomes.
Texts are escaped here. They were redacted when they were recorded.
"""

from __future__ import annotations

from html import escape

from mirrorcheck.report.outcomes import OTHER_SUITE, SUITES, Outcomes
from mirrorcheck.report.svg import BarRow, RangeRow, bar_chart, range_chart
from mirrorcheck.results import Results

STYLE = """
<style>
.mc-banner { padding: 14px 18px; border-radius: 6px; color: #fff; margin: 10px 0 18px; }
.mc-banner h2 { margin: 0 0 6px; color: #fff; }
.mc-banner p { margin: 2px 0; }
.mc-badge { padding: 1px 8px; border: 1px solid #fff; border-radius: 4px; font-weight: bold; }
.mc-columns { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.mc-table td.mc-time { white-space: nowrap; }
.mc-pass { background: #2e7d32; }
.mc-fail { background: #c62828; }
.mc-none { background: #6d6d6d; }
.mc-section { margin: 18px 0; }
.mc-section h3 { border-bottom: 1px solid #ccc; padding-bottom: 3px; }
.mc-table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
.mc-table th, .mc-table td { border: 1px solid #ccc; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.mc-table th { background: #f0f0f0; }
.mc-ok { background: #e8f5e9; }
.mc-bad { background: #ffebee; }
.mc-warn { background: #fff8e1; }
.mc-skip { background: #f3f3f3; }
.mc-pre { background: #f7f7f7; border: 1px solid #ddd; padding: 8px; font-size: 12px;
  white-space: pre-wrap; max-width: 1200px; }
</style>
"""

_OUTCOME_CLASS = {
    "passed": "mc-ok", "pass": "mc-ok", "pulled": "mc-ok", "xfailed": "mc-skip",
    "failed": "mc-bad", "fail": "mc-bad", "error": "mc-bad", "hung": "mc-bad",
    "xpassed": "mc-warn", "warning": "mc-warn", "skipped": "mc-skip", "unsupported": "mc-skip",
    "info": "mc-skip",
}

EXIT_STATUS_NAMES = {
    0: "all checks passed", 1: "some checks failed", 2: "interrupted",
    3: "internal error", 4: "usage error", 5: "no tests collected",
}


def _cell(value: object, css: str = "") -> str:
    text = "" if value is None else str(value)
    attribute = f' class="{css}"' if css else ""
    return f"<td{attribute}>{escape(text)}</td>"


def _table(table_id: str, headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    return (f'<table class="mc-table" id="{table_id}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} s"


def banner(outcomes: Outcomes, exit_status: int) -> str:
    """Render the verdict banner: coloured by the gate's verdict, with the whole run's below."""
    gate = outcomes.gate()
    totals = outcomes.totals()
    if gate["verdict"] == "passed":
        css, headline = "mc-pass", f"Gate passed: all {gate['tests']} gate checks kept their promise"
    elif gate["verdict"] == "failed":
        css, headline = "mc-fail", (f"Gate failed: {gate['failed']} of {gate['tests']} "
                                    "gate checks broke their promise")
    else:
        css, headline = "mc-none", "Gate not run: no test marked gate ran in this session"

    counts = ", ".join(f"{totals[name]} {name}" for name in
                       ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
                       if totals[name])
    overall_css = "mc-pass" if exit_status == 0 else "mc-fail"
    overall = EXIT_STATUS_NAMES.get(exit_status, "unknown exit status")
    return (f'<div id="mirrorcheck-verdict" class="mc-banner {css}">'
            f"<h2>{escape(headline)}</h2>"
            f'<p>Whole run: <span class="mc-badge {overall_css}">{escape(overall)}</span> '
            f"pytest exit status {exit_status}; {escape(counts or 'no tests ran')}.</p></div>")


def environment(results: Results) -> str:
    """Render the run's host, engine and daemon.json, with its redacted content and sha256."""
    env = results.environment
    rows = [f"<tr><th>{escape(name)}</th>{_cell(value)}</tr>" for name, value in (
        ("Host", env.host), ("Engine version", env.engine_version or "not recorded"),
        ("daemon.json path", env.daemon_json_path),
        ("daemon.json sha256", env.daemon_json_sha256))]
    content = (f'<pre class="mc-pre" id="mirrorcheck-daemon-json">'
               f"{escape(env.daemon_json_text)}</pre>" if env.daemon_json_text else "")
    notes = "".join(f"<li><code>{escape(note.entry)}</code>: {escape(note.reason)}</li>"
                    for note in results.lab_notes)
    lab_notes = f"<p>Lab notes:</p><ul>{notes}</ul>" if notes else ""
    return _section("mirrorcheck-environment", "Environment under test",
                    f'<div class="mc-columns"><div><table class="mc-table">{"".join(rows)}'
                    f"</table>{lab_notes}</div><div><b>daemon.json as tested "
                    f"(secrets masked)</b>{content}</div></div>")


def _section(section_id: str, title: str, body: str) -> str:
    return (f'<div class="mc-section" id="{section_id}"><h3>{escape(title)}</h3>'
            f"{body}</div>")


def suite_checks(outcomes: Outcomes, suite: str) -> str:
    """Render one suite's tests as a list of requirements with their outcome."""
    tests = [test for test in outcomes.tests.values() if test.suite == suite]
    if not tests:
        return ""
    rows = [
        "<tr>" + _cell(test.outcome, _OUTCOME_CLASS.get(test.outcome, ""))
        + _cell(test.requirement) + _cell("gate" if test.gate else "")
        + _cell(f"{test.duration:.2f} s", "mc-time") + _cell(test.message[:400]) + "</tr>"
        for test in tests
    ]
    return _table(f"mirrorcheck-checks-{suite}",
                  ["Outcome", "Requirement", "Gate", "Time", "Message"], rows)


def config_findings(results: Results) -> str:
    if not results.findings:
        return ""
    rows = [
        "<tr>" + _cell(item.severity, _OUTCOME_CLASS.get(item.severity, "")) + _cell(item.rule)
        + _cell(item.entry) + _cell(item.message) + _cell(item.fix) + "</tr>"
        for item in results.findings
    ]
    return ("<h4>Findings</h4>"
            + _table("mirrorcheck-findings", ["Severity", "Rule", "Entry", "Finding", "Fix"],
                     rows))


def corrected_daemon_json(results: Results) -> str:
    corrected = results.corrected_daemon_json
    if corrected is None:
        return ""
    return _section(
        "mirrorcheck-corrected", "Suggested daemon.json",
        '<div class="mc-columns"><div><b>Change from the tested file</b>'
        f'<pre class="mc-pre" id="mirrorcheck-corrected-diff">{escape(corrected.diff)}</pre>'
        '</div><div><b>Full text</b>'
        f'<pre class="mc-pre" id="mirrorcheck-corrected-text">{escape(corrected.text)}</pre>'
        "</div></div>")


def conformance_table(results: Results) -> str:
    if not results.conformance:
        return ""
    rows = [
        "<tr>" + _cell(item.target) + _cell(item.check)
        + _cell(item.outcome, _OUTCOME_CLASS.get(item.outcome, "")) + _cell(item.detail)
        + _cell(", ".join(f"{key}: {value}" for key, value in item.rate_limit.items()))
        + "</tr>"
        for item in results.conformance
    ]
    return ("<h4>Checks by target</h4>"
            + _table("mirrorcheck-conformance",
                     ["Target", "Check", "Outcome", "Detail", "Rate-limit headers"], rows))


def fallback_matrix(results: Results) -> str:
    """Render the matrix: one row per scenario, one column per image."""
    if not results.fallback:
        return ""
    images = list(dict.fromkeys(row.image for row in results.fallback))
    scenarios = list(dict.fromkeys(row.scenario for row in results.fallback))
    cells = {(row.scenario, row.image): row for row in results.fallback}

    body = []
    for scenario in scenarios:
        line = [f"<th>{escape(scenario)}</th>"]
        for image in images:
            row = cells.get((scenario, image))
            line.append(_matrix_cell(row) if row else "<td></td>")
        body.append("<tr>" + "".join(line) + "</tr>")

    legend = ("<p>Each cell: outcome, endpoint that served the manifest, total time, time lost "
              "to failover. \u201cHub rate limit spent\u201d marks pulls Docker Hub served.</p>")
    return "<h4>Fallback matrix</h4>" + legend + _table(
        "mirrorcheck-fallback-matrix", ["Scenario"] + images, body)


def _matrix_cell(row) -> str:
    lines = [f"<b>{escape(row.outcome)}</b>"]
    if row.manifest_endpoint:
        lines.append(f"from {escape(row.manifest_endpoint)}")
    extra_blobs = [endpoint for endpoint in row.blob_endpoints
                   if endpoint != row.manifest_endpoint]
    if extra_blobs:
        lines.append(f"blobs from {escape(', '.join(extra_blobs))}")
    if row.total_seconds is not None:
        lines.append(f"total {_seconds(row.total_seconds)}")
    if row.failover_seconds is not None:
        lines.append(f"failover {_seconds(row.failover_seconds)}")
    if row.spent_hub_rate_limit:
        lines.append("<i>Hub rate limit spent</i>")
    if row.daemon_error:
        lines.append(f"<small>{escape(row.daemon_error[:300])}</small>")
    css = _OUTCOME_CLASS.get(row.outcome, "")
    return f'<td class="{css}">' + "<br>".join(lines) + "</td>"


def benchmarks(results: Results) -> str:
    """Render the benchmark table and its charts: pull time ranges and throughput."""
    if not results.benchmarks:
        return ""
    rows = [
        "<tr>" + _cell(item.name) + _cell(item.path) + _cell(item.image) + _cell(item.cache)
        + "".join(_cell(f"{value:.3f}") for value in (item.min_seconds, item.median_seconds,
                                                        item.p90_seconds, item.max_seconds))
        + _cell("" if item.mb_per_second is None else f"{item.mb_per_second:.1f}") + "</tr>"
        for item in results.benchmarks
    ]
    table = _table("mirrorcheck-benchmarks",
                   ["Benchmark", "Path", "Image", "Cache", "Min s", "Median s", "p90 s",
                    "Max s", "MB/s"], rows)

    labels = [f"{item.path} · {item.image} · {item.cache}" for item in results.benchmarks]
    times = range_chart("Pull time: whisker min to max, box median to p90", "seconds", [
        RangeRow(label, item.min_seconds, item.median_seconds, item.p90_seconds,
                 item.max_seconds) for label, item in zip(labels, results.benchmarks)])
    throughput = bar_chart("Throughput", "MB/s (10^6 bytes per second)", [
        BarRow(label, item.mb_per_second) for label, item in zip(labels, results.benchmarks)
        if item.mb_per_second is not None])
    return f'{table}<div class="mc-columns" id="mirrorcheck-charts">{times}{throughput}</div>'


_SUITE_TITLES = {
    "config": "Config: daemon.json as dockerd applies it",
    "conformance": "Conformance: the registry pull API of each mirror",
    "fallback": "Fallback: pulls survive an outage of each hop",
    "benchmark": "Benchmark: pull times and throughput",
    OTHER_SUITE: "Other tests",
}

_SUITE_EXTRAS = {
    "config": config_findings,
    "conformance": conformance_table,
    "fallback": fallback_matrix,
    "benchmark": benchmarks,
}


def suites(results: Results, outcomes: Outcomes) -> str:
    """Render one section per suite that ran or recorded something."""
    names = list(SUITES) + sorted({test.suite for test in outcomes.tests.values()}
                                  - set(SUITES))
    sections = []
    for name in names:
        checks = suite_checks(outcomes, name)
        extra = _SUITE_EXTRAS.get(name, lambda results: "")(results)
        if not checks and not extra:
            continue
        title = _SUITE_TITLES.get(name, f"suites/{name}")
        # The suite's own figures come first because they are its result. The checks after them
        # show that each figure measured what it claims.
        sections.append(_section(f"mirrorcheck-suite-{name}", title, extra + checks))
    return "".join(sections)


def summary_sections(results: Results, outcomes: Outcomes, exit_status: int) -> list[str]:
    """Return the HTML blocks for pytest-html's summary, in reading order."""
    return [STYLE, banner(outcomes, exit_status), environment(results),
            suites(results, outcomes), corrected_daemon_json(results)]
