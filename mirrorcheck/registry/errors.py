"""Errors of the registry client."""

from mirrorcheck.errors import MirrorcheckError


class RegistryError(MirrorcheckError):
    """A registry request failed, or a registry returned what the client cannot use."""


class DigestMismatch(RegistryError):
    """Content read from a registry does not hash to the digest it was requested by."""

    def __init__(self, url: str, expected: str, actual: str, size: int) -> None:
        super().__init__(
            f"content of {url} hashes to {actual} ({size} bytes), expected {expected}; "
            "the registry serves corrupt or wrong content: clear its cache for this digest"
        )
        self.url = url
        self.expected = expected
        self.actual = actual
        self.size = size
