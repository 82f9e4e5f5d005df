"""`RateLimit-*` response headers, as Docker Hub sends them.

Docker Hub sends `RateLimit-Limit: 100;w=21600` and `RateLimit-Remaining: 76;w=21600`
(a count and a window in seconds) and `Docker-RateLimit-Source` naming who is counted.
The IETF draft adds `RateLimit-Reset` (seconds) and `RateLimit-Policy`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

_QUOTA = re.compile(r"^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?\s*(?:;.*)?$")


@dataclass(frozen=True)
class RateLimitQuota:
    """A count of requests and the window it applies to, in seconds when given."""

    count: int
    window_seconds: int | None


@dataclass(frozen=True)
class RateLimit:
    """The parsed rate-limit headers of one response; `invalid` lists headers that failed."""

    limit: RateLimitQuota | None = None
    remaining: RateLimitQuota | None = None
    reset_seconds: int | None = None
    source: str | None = None
    raw: dict[str, str] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """Return a one-line summary such as '76 of 100 requests left per 21600 s'."""
        parts = []
        if self.remaining and self.limit:
            window = self.limit.window_seconds
            parts.append(f"{self.remaining.count} of {self.limit.count} requests left"
                         + (f" per {window} s" if window else ""))
        elif self.limit:
            parts.append(f"limit {self.limit.count} requests")
        if self.reset_seconds is not None:
            parts.append(f"reset in {self.reset_seconds} s")
        if self.source:
            parts.append(f"counted for {self.source}")
        return ", ".join(parts) or "rate-limit headers present but none parsed"


def _quota(value: str) -> RateLimitQuota | None:
    match = _QUOTA.match(value)
    if match is None:
        return None
    window = int(match.group(2)) if match.group(2) else None
    return RateLimitQuota(count=int(match.group(1)), window_seconds=window)


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """Parse the rate-limit headers, or return None when the response carries none."""
    raw = {name: value for name, value in headers.items()
           if name.lower().startswith(("ratelimit-", "docker-ratelimit-"))}
    if not raw:
        return None

    lowered = {name.lower(): value for name, value in raw.items()}
    invalid: dict[str, str] = {}
    quotas: dict[str, RateLimitQuota | None] = {}
    for name in ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"):
        if name in lowered:
            quotas[name] = _quota(lowered[name])
            if quotas[name] is None:
                invalid[name] = lowered[name]

    reset = quotas.get("ratelimit-reset")
    return RateLimit(
        limit=quotas.get("ratelimit-limit"),
        remaining=quotas.get("ratelimit-remaining"),
        reset_seconds=reset.count if reset else None,
        source=lowered.get("docker-ratelimit-source"),
        raw=raw,
        invalid=invalid,
    )
