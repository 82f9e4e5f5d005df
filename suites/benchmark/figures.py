"""Round durations turned into the figures a benchmark records: min, median, p90, max, MB/s."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

# Throughput uses decimal megabytes, as the results store documents for `mb_per_second`.
BYTES_PER_MB = 10**6


def percentile(values: list[float], fraction: float) -> float:
    """Return the percentile at fraction (0 to 1), interpolating linearly between ranks.

    This is the "linear" method of numpy and of R's type 7: with n sorted values the
    percentile sits at position (n - 1) * fraction.
    """
    if not values:
        raise ValueError("percentile of no values: a benchmark needs at least one round")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"percentile fraction is {fraction}; give a number from 0 to 1")

    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = math.ceil(position)
    weight = position - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * weight


@dataclass(frozen=True)
class RoundFigures:
    """Figures of one benchmark's rounds, in seconds, and throughput at the median round."""

    rounds: int
    min_seconds: float
    median_seconds: float
    p90_seconds: float
    max_seconds: float
    size_bytes: int
    mb_per_second: float | None

    @classmethod
    def from_durations(cls, durations: list[float], size_bytes: int) -> "RoundFigures":
        """Compute the figures; size_bytes is what one round transferred (0 when unknown)."""
        if not durations:
            raise ValueError("no round durations: the benchmark ran no round")

        median = statistics.median(durations)
        throughput = None
        if size_bytes > 0 and median > 0:
            throughput = size_bytes / median / BYTES_PER_MB
        return cls(rounds=len(durations), min_seconds=min(durations), median_seconds=median,
                   p90_seconds=percentile(durations, 0.9), max_seconds=max(durations),
                   size_bytes=size_bytes, mb_per_second=throughput)

    def extra_info(self) -> dict:
        """Return the figures as pytest-benchmark `extra_info`, rounded for reading."""
        info = {
            "rounds": self.rounds,
            "min_s": round(self.min_seconds, 3),
            "median_s": round(self.median_seconds, 3),
            "p90_s": round(self.p90_seconds, 3),
            "max_s": round(self.max_seconds, 3),
            "size_bytes": self.size_bytes,
        }
        if self.mb_per_second is not None:
            info["mb_per_s"] = round(self.mb_per_second, 2)
        return info

    def line(self) -> str:
        """Return one line for progress output and logs."""
        text = (f"median {self.median_seconds:.2f} s (min {self.min_seconds:.2f}, "
                f"p90 {self.p90_seconds:.2f}, max {self.max_seconds:.2f}) over "
                f"{self.rounds} round(s)")
        if self.mb_per_second is not None:
            text += f", {self.mb_per_second:.1f} MB/s"
        return text
