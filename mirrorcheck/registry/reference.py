"""Image references as dockerd reads them: `[domain/]repository[:tag][@digest]`.

Mirrors serve Docker Hub content, so a name without a domain is a Docker Hub name and an
official image such as `alpine` lives in the `library/` namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mirrorcheck.errors import MirrorcheckError

DOCKER_HUB_DOMAIN = "docker.io"
DOCKER_HUB_ALIASES = ("docker.io", "index.docker.io", "registry-1.docker.io")
DEFAULT_TAG = "latest"

# Grammar of the distribution reference package: lower-case path components joined by
# separators, a tag of at most 128 word characters, a digest as algorithm:hex.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$")


class ReferenceError(MirrorcheckError):
    """An image reference does not follow the `[domain/]repository[:tag][@digest]` grammar."""


@dataclass(frozen=True)
class Reference:
    """A parsed image reference; `tag` or `digest` (or both) is set."""

    domain: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def identifier(self) -> str:
        """Return what goes after `/manifests/`: the digest when there is one, else the tag."""
        return self.digest or self.tag or DEFAULT_TAG

    def __str__(self) -> str:
        text = self.repository
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def _split_domain(name: str) -> tuple[str, str]:
    first, _, rest = name.partition("/")
    looks_like_host = "." in first or ":" in first or first == "localhost"
    if rest and looks_like_host:
        return first, rest
    return DOCKER_HUB_DOMAIN, name


def parse_reference(text: str) -> Reference:
    """Parse an image reference, raising ReferenceError that names the bad part."""
    remainder, _, digest = text.strip().partition("@")
    if digest and not _DIGEST.match(digest):
        raise ReferenceError(
            f"image reference {text!r} has an invalid digest {digest!r}; "
            "write it as sha256: followed by 64 hex digits"
        )

    domain, path = _split_domain(remainder)
    repository, tag = path, None
    if ":" in path.rsplit("/", 1)[-1]:
        repository, tag = path.rsplit(":", 1)
    if tag is not None and not _TAG.match(tag):
        raise ReferenceError(
            f"image reference {text!r} has an invalid tag {tag!r}; a tag is at most 128 "
            "letters, digits, '_', '.' or '-', and does not start with '.' or '-'"
        )

    if domain in DOCKER_HUB_ALIASES:
        domain = DOCKER_HUB_DOMAIN
        if "/" not in repository:
            repository = f"library/{repository}"
    if not _REPOSITORY.match(repository):
        raise ReferenceError(
            f"image reference {text!r} has an invalid repository {repository!r}; use lower-case "
            "letters, digits and the separators '.', '_', '-' and '/', as in library/alpine"
        )

    if tag is None and not digest:
        tag = DEFAULT_TAG
    return Reference(domain=domain, repository=repository, tag=tag, digest=digest or None)
