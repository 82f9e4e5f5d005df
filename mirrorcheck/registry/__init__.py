"""A client for the registry pull API: references, auth, manifests, blobs and request timing.

Writing (blob upload, manifest put) is kept apart in `mirrorcheck.registry.push`.
"""

from mirrorcheck.registry.client import (
    ManifestResponse,
    RegistryClient,
    StatusError,
    TransportError,
)
from mirrorcheck.registry.credentials import Credentials, load_credentials
from mirrorcheck.registry.errors import DigestMismatch, RegistryError
from mirrorcheck.registry.reference import Reference, parse_reference

__all__ = [
    "Credentials",
    "DigestMismatch",
    "ManifestResponse",
    "Reference",
    "RegistryClient",
    "RegistryError",
    "StatusError",
    "TransportError",
    "load_credentials",
    "parse_reference",
]
