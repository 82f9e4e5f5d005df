"""Every conformance check with the kind of subject it takes, for running them all at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mirrorcheck.conformance import blobs, manifests, ping, ratelimit, unknown


@dataclass(frozen=True)
class CatalogEntry:
    """A check and its subject: `client`, `manifest` (a sample), `blob` or `repository`."""

    name: str
    subject: str
    check: Callable


CATALOG = (
    CatalogEntry("ping answers 200 or 401 with challenge", "client",
                 ping.check_ping_answers_200_or_401_with_challenge),
    CatalogEntry("ping sends API version header", "client",
                 ping.check_ping_sends_api_version_header),
    CatalogEntry("challenge realm issues token", "client",
                 ping.check_challenge_realm_issues_token),
    CatalogEntry("manifest by tag answers 200", "manifest",
                 manifests.check_manifest_by_tag_answers_200),
    CatalogEntry("manifest by digest returns those bytes", "manifest",
                 manifests.check_manifest_by_digest_returns_those_bytes),
    CatalogEntry("manifest digest header matches body", "manifest",
                 manifests.check_manifest_digest_header_matches_body),
    CatalogEntry("manifest Content-Type is its media type", "manifest",
                 manifests.check_manifest_content_type_is_media_type),
    CatalogEntry("manifest HEAD agrees with GET", "manifest",
                 manifests.check_manifest_head_agrees_with_get),
    CatalogEntry("manifest HEAD has no body", "manifest",
                 manifests.check_manifest_head_has_no_body),
    CatalogEntry("index resolves to platform manifests", "manifest",
                 manifests.check_index_resolves_to_platform_manifests),
    CatalogEntry("blob content matches digest", "blob", blobs.check_blob_content_matches_digest),
    CatalogEntry("blob HEAD gives size", "blob", blobs.check_blob_head_gives_size),
    CatalogEntry("blob range returns 206", "blob", blobs.check_blob_range_returns_206),
    CatalogEntry("blob range past end returns 416", "blob",
                 blobs.check_blob_range_past_end_returns_416),
    CatalogEntry("unknown tag returns MANIFEST_UNKNOWN", "repository",
                 unknown.check_unknown_tag_returns_manifest_unknown),
    CatalogEntry("unknown manifest digest returns MANIFEST_UNKNOWN", "repository",
                 unknown.check_unknown_manifest_digest_returns_manifest_unknown),
    CatalogEntry("unknown blob returns BLOB_UNKNOWN", "repository",
                 unknown.check_unknown_blob_returns_blob_unknown),
    CatalogEntry("rate-limit headers are well formed", "manifest",
                 ratelimit.check_rate_limit_headers_are_well_formed),
)
