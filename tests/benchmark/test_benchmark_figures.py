"""The benchmark suite's pure helpers on plain data: percentiles, figures, options, overlaps."""

from __future__ import annotations

import pytest

from mirrorcheck.errors import MirrorcheckError

from suites.benchmark.concurrency import parse_go_duration, peak_overlap
from suites.benchmark.figures import RoundFigures, percentile
from suites.benchmark.suite_options import (
    LAYER_SIZES_ENV, ROUNDS_ENV, benchmark_rounds, concurrency_levels, layer_sizes_mb,
)


@pytest.mark.parametrize("values, fraction, expected", [
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9, 9.1),
    ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
    ([4.0, 1.0, 3.0, 2.0], 0.5, 2.5),
    ([1.0, 2.0, 3.0], 0.9, 2.8),
    ([7.0], 0.9, 7.0),
    ([1.0, 5.0], 0.0, 1.0),
    ([1.0, 5.0], 1.0, 5.0),
])
def test_percentile_linear_method(values, fraction, expected):
    assert percentile(values, fraction) == pytest.approx(expected)


def test_percentile_rejects_no_values():
    with pytest.raises(ValueError, match="at least one round"):
        percentile([], 0.9)


def test_percentile_rejects_fraction_above_one():
    with pytest.raises(ValueError, match="from 0 to 1"):
        percentile([1.0], 90)


def test_figures_from_three_rounds():
    figures = RoundFigures.from_durations([2.0, 1.0, 4.0], size_bytes=10_000_000)

    assert figures.rounds == 3
    assert figures.min_seconds == 1.0
    assert figures.median_seconds == 2.0
    assert figures.p90_seconds == pytest.approx(3.6)
    assert figures.max_seconds == 4.0
    assert figures.mb_per_second == pytest.approx(5.0)


def test_figures_without_size_have_no_throughput():
    figures = RoundFigures.from_durations([1.0], size_bytes=0)

    assert figures.mb_per_second is None
    assert "mb_per_s" not in figures.extra_info()


def test_figures_extra_info_keys():
    info = RoundFigures.from_durations([1.0, 2.0], size_bytes=3_000_000).extra_info()

    assert set(info) == {"rounds", "min_s", "median_s", "p90_s", "max_s", "size_bytes",
                         "mb_per_s"}
    assert info["mb_per_s"] == 2.0


def test_rounds_default_and_env(monkeypatch):
    monkeypatch.delenv(ROUNDS_ENV, raising=False)
    assert benchmark_rounds() == 3

    monkeypatch.setenv(ROUNDS_ENV, "7")
    assert benchmark_rounds() == 7


@pytest.mark.parametrize("text", ["0", "-2", "three", "2.5"])
def test_rounds_env_rejects_invalid(monkeypatch, text):
    monkeypatch.setenv(ROUNDS_ENV, text)

    with pytest.raises(MirrorcheckError, match=ROUNDS_ENV):
        benchmark_rounds()


def test_layer_sizes_from_env(monkeypatch):
    monkeypatch.setenv(LAYER_SIZES_ENV, " 2, 20 ,")

    assert layer_sizes_mb() == (2, 20)


def test_layer_sizes_default(monkeypatch):
    monkeypatch.delenv(LAYER_SIZES_ENV, raising=False)

    assert layer_sizes_mb() == (1, 10, 100)


@pytest.mark.parametrize("data, expected", [
    ({"max-concurrent-downloads": 10}, [1, 3, 10]),
    ({}, [1, 3]),
    ({"max-concurrent-downloads": 1}, [1, 3]),
    ({"max-concurrent-downloads": "ten"}, [1, 3]),
    ({"max-concurrent-downloads": True}, [1, 3]),
])
def test_concurrency_levels(data, expected):
    levels = concurrency_levels(data)

    assert [value for _, value in levels] == expected
    assert len({label for label, _ in levels}) == len(levels)


def test_concurrency_levels_label_the_daemon_json_value():
    labels = dict((value, label) for label, value in concurrency_levels({}))

    assert labels[3] == "daemon.json max-concurrent-downloads=3"
    assert labels[1] == "max-concurrent-downloads=1"


@pytest.mark.parametrize("text, seconds", [
    ("646.341µs", 646.341e-6),
    ("1.162547ms", 1.162547e-3),
    ("2.5s", 2.5),
    ("1m2.5s", 62.5),
    ("1h0m0s", 3600.0),
    ("120ns", 120e-9),
    ("0s", 0.0),
])
def test_go_duration_parsing(text, seconds):
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "12", "1.5 s", "abc", "5sx"])
def test_go_duration_rejects_invalid(text):
    with pytest.raises(ValueError, match="not a Go duration"):
        parse_go_duration(text)


@pytest.mark.parametrize("intervals, expected", [
    ([], 0),
    ([(0.0, 1.0)], 1),
    ([(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)], 1),
    ([(0.0, 1.0), (0.5, 1.5), (0.7, 0.8)], 3),
    ([(0.0, 1.0), (0.998, 2.0)], 1),
    ([(0.0, 1.0), (0.9, 2.0)], 2),
])
def test_peak_overlap(intervals, expected):
    assert peak_overlap(intervals) == expected
