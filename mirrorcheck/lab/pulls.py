"""A pull by the daemon under test, with who served it, read from the registries' logs."""

from __future__ import annotations

from dataclasses import dataclass, field

from mirrorcheck.lab.accesslog import DAEMON, Request
from mirrorcheck.lab.daemon import PullOutcome


@dataclass
class PullReport:
    """A pull's outcome and every lab request made during it."""

    outcome: PullOutcome
    requests: list[Request] = field(default_factory=list)
    hub_name: str = "hub"

    @property
    def image(self) -> str:
        return self.outcome.image

    @property
    def pulled(self) -> bool:
        return self.outcome.pulled

    @property
    def hung(self) -> bool:
        return self.outcome.hung

    @property
    def seconds(self) -> float:
        return self.outcome.seconds

    @property
    def error(self) -> str:
        return self.outcome.error

    def daemon_requests(self, kind: str | None = None) -> list[Request]:
        return [r for r in self.requests
                if r.client == DAEMON and (kind is None or r.kind == kind)]

    @property
    def manifest_endpoint(self) -> str | None:
        """The registry that last served the daemon a manifest, or None."""
        served = [r for r in self.daemon_requests("manifest") if r.served]
        return served[-1].registry if served else None

    @property
    def blob_endpoints(self) -> list[str]:
        """The registries that served the daemon blobs, in order of first service."""
        names: list[str] = []
        for request in self.daemon_requests("blob"):
            if request.served and request.registry not in names:
                names.append(request.registry)
        return names

    @property
    def endpoints_tried(self) -> list[str]:
        """The registries the daemon contacted, in order of first contact."""
        names: list[str] = []
        for request in sorted(self.daemon_requests(), key=lambda r: r.time):
            if request.registry not in names:
                names.append(request.registry)
        return names

    @property
    def served_by_hub(self) -> bool:
        """Whether the daemon itself fetched from Docker Hub: that pull spent its rate limit."""
        return self.manifest_endpoint == self.hub_name

    def upstream_requests(self, registry: str) -> list[Request]:
        """Return the requests that a lab registry (a mirror) made to the others."""
        return [r for r in self.requests if r.client == registry]

    @property
    def failover_seconds(self) -> float | None:
        """Seconds from the pull's start to the first request at the endpoint that served it."""
        endpoint = self.manifest_endpoint
        if endpoint is None:
            return None
        times = [r.time for r in self.daemon_requests() if r.registry == endpoint]
        return max(0.0, min(times) - self.outcome.started_at) if times else None

    def summary(self) -> str:
        """Return one line for logs and failure messages."""
        if self.hung:
            state = "hung"
        else:
            state = "pulled" if self.pulled else "failed"
        served = self.manifest_endpoint or "nobody"
        text = f"{self.image}: {state} in {self.seconds:.1f} s, manifest from {served}"
        if self.blob_endpoints:
            text += f", blobs from {', '.join(self.blob_endpoints)}"
        if self.error:
            text += f"; daemon said: {self.error}"
        return text
