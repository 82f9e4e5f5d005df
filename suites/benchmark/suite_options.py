"""Sizes and round counts of the benchmark suite, each overridable by an environment variable.

The defaults aim to keep a full run to a few minutes on a small machine. A nightly job with
time to spare can raise the rounds for steadier medians.
"""

from __future__ import annotations

import os

from mirrorcheck.errors import MirrorcheckError

ROUNDS_ENV = "MIRRORCHECK_BENCHMARK_ROUNDS"
DEFAULT_ROUNDS = 3

LAYER_SIZES_ENV = "MIRRORCHECK_BENCHMARK_LAYER_SIZES_MB"
DEFAULT_LAYER_SIZES_MB = (1, 10, 100)

CONCURRENCY_LAYERS_ENV = "MIRRORCHECK_BENCHMARK_CONCURRENCY_LAYERS"
DEFAULT_CONCURRENCY_LAYERS = 6
CONCURRENCY_LAYER_MB_ENV = "MIRRORCHECK_BENCHMARK_CONCURRENCY_LAYER_MB"
DEFAULT_CONCURRENCY_LAYER_MB = 4

# dockerd's own default when daemon.json sets no max-concurrent-downloads
# (`dockerd --help` of Docker 20.10: "(default 3)").
DOCKERD_DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3
COMPARED_MAX_CONCURRENT_DOWNLOADS = (1, 3)


def positive_int(text: str, name: str) -> int:
    """Parse text as an integer greater than 0; raise MirrorcheckError naming the variable."""
    try:
        value = int(text.strip())
    except ValueError:
        raise MirrorcheckError(f"{name} is {text!r}, which is not an integer; "
                               f"give a whole number such as {name}=3") from None
    if value < 1:
        raise MirrorcheckError(f"{name} is {value}; it must be 1 or more")
    return value


def int_from_env(name: str, default: int) -> int:
    """Return the environment variable name as a positive integer, or default when unset."""
    text = os.environ.get(name, "").strip()
    return positive_int(text, name) if text else default


def sizes_from_env(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Return a comma-separated list of positive integers from the environment, or default."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    return tuple(positive_int(item, name) for item in text.split(",") if item.strip())


def benchmark_rounds() -> int:
    """Return the rounds each benchmark runs (env MIRRORCHECK_BENCHMARK_ROUNDS, default 3)."""
    return int_from_env(ROUNDS_ENV, DEFAULT_ROUNDS)


def layer_sizes_mb() -> tuple[int, ...]:
    """Return the layer sizes of the layer-size benchmark, in MB.

    The environment variable MIRRORCHECK_BENCHMARK_LAYER_SIZES_MB overrides the default.
    """
    return sizes_from_env(LAYER_SIZES_ENV, DEFAULT_LAYER_SIZES_MB)


def concurrency_levels(daemon_json_data: dict) -> list[tuple[str, int]]:
    """Return (label, max-concurrent-downloads) pairs: 1, 3 and the daemon.json's value.

    When the key is absent, the daemon.json's value is dockerd's default of 3. A value equal
    to 1 or 3 is compared once, under the daemon.json label. A value that is not an integer
    of 1 or more gets no level of its own.
    """
    configured = daemon_json_data.get("max-concurrent-downloads",
                                      DOCKERD_DEFAULT_MAX_CONCURRENT_DOWNLOADS)
    if not isinstance(configured, int) or isinstance(configured, bool) or configured < 1:
        # Not a count a benchmark can set; the config suite judges the value itself.
        configured = None
    levels = [(f"max-concurrent-downloads={value}", value)
              for value in COMPARED_MAX_CONCURRENT_DOWNLOADS if value != configured]
    if configured is not None:
        levels.append((f"daemon.json max-concurrent-downloads={configured}", configured))
    return sorted(levels, key=lambda level: level[1])
