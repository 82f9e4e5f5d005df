"""The HTML report renders in headless Chromium with the banner, the matrix and the charts."""

from __future__ import annotations

import struct
import zlib
from html.parser import HTMLParser

import report_chromium as chromium
import pytest

pytestmark = pytest.mark.skipif(not chromium.available(),
                                reason=f"unsupported: {chromium.CHROMIUM} is not installed")


class ElementIndex(HTMLParser):
    """The ids, tags and texts of a DOM dump, enough to check what the page shows."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.tags: dict[str, int] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def dom(synthetic_run) -> ElementIndex:
    index = ElementIndex()
    index.feed(chromium.dump_dom(synthetic_run.reports / "report.html"))
    return index


def test_dom_has_verdict_banner(dom):
    text = " ".join(dom.text)
    assert "mirrorcheck-verdict" in dom.ids
    assert "Gate passed: all 6 gate checks kept their promise" in text
    assert "some checks failed" in text


def test_dom_has_fallback_matrix(dom):
    text = " ".join(dom.text)
    assert "mirrorcheck-fallback-matrix" in dom.ids
    for scenario in ("baseline", "hub blackholed", "mirror-a refused", "mirror-a stalled"):
        assert scenario in text, f"expected scenario {scenario!r} in the matrix"
    assert "Hub rate limit spent" in text


def test_dom_has_svg_charts(dom):
    assert "mirrorcheck-charts" in dom.ids
    assert dom.tags.get("svg", 0) >= 2, f"expected 2 svg charts, found {dom.tags.get('svg', 0)}"
    assert dom.tags.get("rect", 0) >= 6, "expected a box or bar per benchmark figure"


def test_dom_has_suite_sections(dom):
    for suite in ("config", "conformance", "fallback", "benchmark"):
        assert f"mirrorcheck-suite-{suite}" in dom.ids, f"expected a section for suites/{suite}"
    assert "mirrorcheck-corrected-diff" in dom.ids
    assert "mirrorcheck-environment" in dom.ids


def test_dom_lists_pytest_results_table(dom):
    """pytest-html's own table is filled by its script, so the page ran without errors."""
    assert "results-table" in dom.ids
    assert dom.tags.get("tbody", 0) >= 12


def _png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Return width, height and a count of distinct row digests of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "expected a PNG signature"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    chunks, offset = [], 8
    while offset < len(data):
        length = struct.unpack(">I", data[offset:offset + 4])[0]
        kind = data[offset + 4:offset + 8]
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    channels = {2: 3, 6: 4}[colour_type]
    stride = 1 + width * channels * depth // 8
    rows = {raw[row * stride:(row + 1) * stride] for row in range(0, height, 7)}
    return width, height, len(rows)


def test_screenshot_is_not_blank(synthetic_run, tmp_path):
    shot = chromium.screenshot(synthetic_run.reports / "report.html", tmp_path / "report.png")
    data = shot.read_bytes()

    width, height, distinct_rows = _png_size_and_colours(data)

    assert (width, height) == (1400, 2400)
    assert len(data) > 100_000, f"expected a detailed page, the PNG has {len(data)} bytes"
    assert distinct_rows > 150, f"expected varied content, found {distinct_rows} distinct rows"
