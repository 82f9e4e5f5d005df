"""Headless Chromium for the render tests: local files only, no network features, a fresh profile."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_SECONDS = 90
WINDOW_SIZE = "1400,2400"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def available() -> bool:
    return Path(CHROMIUM).exists()


def _run(page: Path, *arguments: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="mirrorcheck-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments, page.as_uri()],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(page: Path) -> str:
    """Return the DOM after the page's scripts ran."""
    completed = _run(page, "--dump-dom")
    assert completed.returncode == 0, (
        f"expected chromium --dump-dom to exit 0, got {completed.returncode}: "
        f"{completed.stderr[-1500:]}"
    )
    return completed.stdout


def screenshot(page: Path, output: Path) -> Path:
    """Write a PNG of the page at the report's window size."""
    completed = _run(page, f"--screenshot={output}", f"--window-size={WINDOW_SIZE}")
    assert output.exists(), (
        f"expected chromium to write {output}, it exited {completed.returncode}: "
        f"{completed.stderr[-1500:]}"
    )
    return output
