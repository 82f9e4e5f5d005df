"""Manifests and indexes: descriptors, platforms, and the digest of the exact bytes served."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.errors import RegistryError


class ManifestError(RegistryError):
    """A manifest body is not a JSON object with the fields its media type requires."""


@dataclass(frozen=True)
class Descriptor:
    """A reference to content by media type, digest and size, with an optional platform."""

    media_type: str
    digest: str
    size: int
    platform: dict | None = None

    @property
    def platform_name(self) -> str:
        """Return the platform as `os/architecture[/variant]`, or '' when there is none."""
        if not self.platform:
            return ""
        parts = [self.platform.get("os", "?"), self.platform.get("architecture", "?")]
        if self.platform.get("variant"):
            parts.append(self.platform["variant"])
        return "/".join(parts)


@dataclass(frozen=True)
class Manifest:
    """A manifest or index as served: its bytes, the media type declared, the parsed JSON."""

    body: bytes
    media_type: str
    data: dict

    @property
    def digest(self) -> str:
        return sha256_digest(self.body)

    @property
    def is_index(self) -> bool:
        return self.media_type in mediatypes.INDEX_TYPES

    @property
    def children(self) -> list[Descriptor]:
        """Return the platform manifests of an index, or [] for an image manifest."""
        return [_descriptor(entry, "manifests") for entry in self.data.get("manifests", [])]

    @property
    def config(self) -> Descriptor | None:
        config = self.data.get("config")
        return _descriptor(config, "config") if config else None

    @property
    def layers(self) -> list[Descriptor]:
        return [_descriptor(entry, "layers") for entry in self.data.get("layers", [])]

    @property
    def blobs(self) -> list[Descriptor]:
        """Return the config and the layers of an image manifest."""
        return ([self.config] if self.config else []) + self.layers


def sha256_digest(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def _descriptor(entry: object, field_name: str) -> Descriptor:
    if not isinstance(entry, dict):
        raise ManifestError(f"manifest field `{field_name}` contains {entry!r}, expected an object")
    try:
        return Descriptor(
            media_type=str(entry.get("mediaType", "")),
            digest=str(entry["digest"]),
            size=int(entry["size"]),
            platform=entry.get("platform"),
        )
    except (KeyError, TypeError, ValueError):
        raise ManifestError(
            f"descriptor in `{field_name}` is missing a `digest` string or an integer "
            f"`size`: {entry!r}"
        ) from None


def parse_manifest(body: bytes, content_type: str | None, source: str) -> Manifest:
    """Parse manifest bytes served with a Content-Type; `source` names them in errors.

    The media type is the body's `mediaType` field when present, else the Content-Type,
    because OCI manifests may leave the field out.
    """
    try:
        data = json.loads(body)
    except ValueError as error:
        raise ManifestError(
            f"manifest from {source} is not valid JSON ({error}); first bytes: {body[:80]!r}"
        ) from None
    if not isinstance(data, dict):
        raise ManifestError(f"manifest from {source} is a JSON {type(data).__name__}, "
                            "expected an object")
    media_type = data.get("mediaType") or mediatypes.bare_media_type(content_type)
    return Manifest(body=body, media_type=str(media_type), data=data)


def select_platform(index: Manifest, os: str = "linux",
                    architecture: str = "amd64") -> Descriptor | None:
    """Return the index entry for the platform, or None when the index has none."""
    for child in index.children:
        platform = child.platform or {}
        if platform.get("os") == os and platform.get("architecture") == architecture:
            return child
    return None
