"""A secret in the inputs appears nowhere under the reports directory."""

from __future__ import annotations

import base64

import synthetic_suites


def _secrets() -> dict[str, str]:
    user_and_password = f"{synthetic_suites.DOCKER_USER}:{synthetic_suites.DOCKER_PASSWORD}"
    return {
        "mirror URL password": synthetic_suites.MIRROR_PASSWORD,
        "mirror URL user info": f"mirroruser:{synthetic_suites.MIRROR_PASSWORD}",
        "docker config auth": base64.b64encode(user_and_password.encode()).decode(),
        "docker config password": synthetic_suites.DOCKER_PASSWORD,
        "docker config identity token": synthetic_suites.DOCKER_IDENTITY_TOKEN,
    }


def test_reports_written(synthetic_run):
    names = {path.name for path in synthetic_run.reports.iterdir()}
    assert {"report.html", "junit.xml", "summary.json", "benchmarks"} <= names, (
        f"expected the default reports, found {sorted(names)}; stderr: {synthetic_run.stderr}"
    )


def test_no_secret_in_any_report(synthetic_run):
    files = [path for path in synthetic_run.reports.rglob("*") if path.is_file()]
    assert len(files) >= 4, f"expected report files, found {files}"

    for path in files:
        content = path.read_text(encoding="utf-8", errors="replace")
        for name, secret in _secrets().items():
            assert secret not in content, f"{name} leaked into {path}"


def test_masked_values_reach_reports(synthetic_run):
    """The secrets were really in the recorded data: their masked forms are in the reports."""
    masked_url = "https://***@127.0.0.1:5999"
    for name in ("report.html", "summary.json", "junit.xml"):
        content = (synthetic_run.reports / name).read_text(encoding="utf-8")
        assert masked_url in content, f"expected the masked mirror URL in {name}"

    html = (synthetic_run.reports / "report.html").read_text(encoding="utf-8")
    assert "docker config auth ***" in html
    assert "identity token ***" in html

