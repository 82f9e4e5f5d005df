"""The registries the conformance suite checks: live mirror URLs, or the lab's mirrors."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.registry.reference import DOCKER_HUB_DOMAIN, Reference, parse_reference

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """A registry to check: its name in reports, base URL, CA bundle, and the images to read.

    `reference` is the image every check reads; `images` are further images searched for
    media types that `reference` does not serve.
    """

    name: str
    base_url: str
    ca_bundle: str | None
    reference: str
    images: tuple[str, ...] = field(default=())

    def references(self) -> list[Reference]:
        """Parse `reference` and `images`, raising MirrorcheckError for one that is not Hub's."""
        parsed = []
        for text in (self.reference, *self.images):
            reference = parse_reference(text)
            if reference.domain != DOCKER_HUB_DOMAIN:
                raise MirrorcheckError(
                    f"image {text!r} is on {reference.domain}, but registry mirrors serve only "
                    "Docker Hub images; give --reference a Docker Hub name such as "
                    "library/alpine:latest"
                )
            if reference not in parsed:
                parsed.append(reference)
        return parsed


def validate_mirror_url(url: str) -> str:
    """Return the URL without a trailing slash, raising MirrorcheckError unless it is http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MirrorcheckError(
            f"--mirror {url!r} is not an http(s) URL; give the mirror as written in daemon.json, "
            "for example --mirror https://mirror.example.com"
        )
    if parts.path not in ("", "/"):
        raise MirrorcheckError(
            f"--mirror {url!r} has the path {parts.path!r}; dockerd ignores paths in mirror "
            "URLs, so give scheme, host and port only"
        )
    return url.strip().rstrip("/")


def live_targets(mirrors: tuple[str, ...], reference: str,
                 ca_bundle: str | None = None) -> list[Target]:
    """Targets for `--mirror` URLs, verified with ca_bundle (else the default CAs), never written."""
    return [Target(name=url, base_url=validate_mirror_url(url), ca_bundle=ca_bundle,
                   reference=reference) for url in mirrors]


def mirror_entry(mirror) -> str:
    """Return the daemon.json entry that a lab mirror replaces (`.entry` or `.endpoint.entry`)."""
    entry = getattr(mirror, "entry", None)
    if entry is None:
        entry = mirror.endpoint.entry
    return str(entry)


def lab_targets(lab, reference: str, images: tuple[str, ...]) -> list[Target]:
    """Targets for the lab's mirrors, named by their daemon.json entries."""
    return [Target(name=mirror_entry(mirror), base_url=mirror.host_url,
                   ca_bundle=str(lab.ca_bundle) if lab.ca_bundle else None,
                   reference=reference, images=tuple(images))
            for mirror in lab.mirrors]


def skip_reason(lab, entry: str) -> str | None:
    """Return the lab's reason for building no mirror for a daemon.json entry, or None."""
    for skipped in getattr(lab, "skipped", None) or ():
        if str(skipped.entry) == entry:
            return skipped.reason
    return None
