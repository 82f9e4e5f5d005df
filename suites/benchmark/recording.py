"""Recording a benchmark's figures: in pytest-benchmark's extra_info, the results store, progress."""

from __future__ import annotations

import pytest

from mirrorcheck.report.progress import progress
from mirrorcheck.results import Results

from suites.benchmark.figures import RoundFigures


def round_durations(benchmark, measured: list[float]) -> list[float]:
    """Return the durations pytest-benchmark timed, or measured when it timed nothing.

    With `--benchmark-disable`, pedantic mode runs the target once without timing it, so the
    suite's own measurement of that round is used instead.
    """
    if benchmark.stats is None:
        return list(measured)
    return list(benchmark.stats.stats.data)


def record_figures(benchmark, results: Results, config: pytest.Config, *, path: str, image: str,
                   cache: str, size_bytes: int, measured: list[float]) -> RoundFigures:
    """Compute the figures of the rounds just run and record them everywhere they are read."""
    figures = RoundFigures.from_durations(round_durations(benchmark, measured), size_bytes)

    benchmark.extra_info.update({"path": path, "image": image, "cache": cache,
                                 **figures.extra_info()})
    results.record_benchmark(
        name=benchmark.name, path=path, image=image, cache=cache,
        min_seconds=figures.min_seconds, median_seconds=figures.median_seconds,
        p90_seconds=figures.p90_seconds, max_seconds=figures.max_seconds,
        mb_per_second=figures.mb_per_second,
    )

    progress(config, f"benchmark {benchmark.name}: {path}, {image}, {cache}: {figures.line()}")
    return figures
