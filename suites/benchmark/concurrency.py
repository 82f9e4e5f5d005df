"""Concurrent blob downloads of the daemon under test, read from a registry's access log.

registry:2 logs each response when it completes, with its duration, so every download is an
interval [time - duration, time]. The peak number of overlapping intervals shows whether the
daemon kept to `max-concurrent-downloads`.
"""

from __future__ import annotations

import re

from mirrorcheck.lab.accesslog import DAEMON, parse_entry

# Go's time.Duration.String() units, as registry:2 writes "http.response.duration".
GO_DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6,
                     "μs": 1e-6, "ns": 1e-9}
GO_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|μs|ns)")

# The registry stamps a response a little after its last byte left, so a download the daemon
# starts right after the previous one ends can seem to overlap it by a few microseconds.
OVERLAP_TOLERANCE_SECONDS = 0.005


def parse_go_duration(text: str) -> float:
    """Return the seconds of a Go duration string such as '1m2.5s' or '12.3ms'."""
    text = text.strip()
    if text == "0s":
        return 0.0
    parts = GO_DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"{text!r} is not a Go duration such as '12.3ms' or '1m2.5s'")
    return sum(float(number) * GO_DURATION_UNITS[unit] for number, unit in parts)


def peak_overlap(intervals: list[tuple[float, float]],
                 tolerance: float = OVERLAP_TOLERANCE_SECONDS) -> int:
    """Return the maximum number of intervals (start, end) open at one moment.

    Each interval's end is moved earlier by tolerance, never before its start.
    """
    events = []
    for start, end in intervals:
        events.append((start, 1))
        events.append((max(start, end - tolerance), -1))
    # At equal times an end sorts before a start, so touching intervals do not overlap.
    events.sort(key=lambda event: (event[0], event[1]))

    open_now = peak = 0
    for _, change in events:
        open_now += change
        peak = max(peak, open_now)
    return peak


def daemon_layer_downloads(registry: str, entries: list[dict], daemon_ip: str,
                           layers: set[str], start: float,
                           end: float) -> list[tuple[float, float]]:
    """Return (start, end) of every GET of a layer in layers by the daemon, from start to end.

    entries are a lab registry's "response completed" log entries, as JSON objects. The
    config blob is left out on purpose: dockerd 20.10 fetches it alongside the layers, outside
    the max-concurrent-downloads limit.
    """
    intervals = []
    for entry in entries:
        request = parse_entry(registry, entry, {}, daemon_ip)
        if request.client != DAEMON or request.kind != "blob" or request.method != "GET":
            continue
        if request.path.rsplit("/", 1)[-1] not in layers:
            continue
        if not start <= request.time <= end:
            continue
        duration = parse_go_duration(entry.get("http.response.duration", "0s"))
        intervals.append((request.time - duration, request.time))
    return intervals
