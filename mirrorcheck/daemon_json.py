"""Reading a daemon.json file as dockerd reads it: UTF-8 JSON holding one object."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from mirrorcheck.errors import MirrorcheckError


class DaemonJsonError(MirrorcheckError):
    """The daemon.json file is missing, unreadable, not JSON, or not an object."""


@dataclass(frozen=True)
class DaemonJson:
    """One daemon.json file: where it came from, its exact text and its parsed content."""

    path: Path
    text: str
    data: dict

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def mirrors(self) -> list:
        """Return the `registry-mirrors` entries as written (not normalised)."""
        mirrors = self.data.get("registry-mirrors", [])
        return list(mirrors) if isinstance(mirrors, list) else []


def read_text(path: Path) -> str:
    """Read the file, raising DaemonJsonError with the fix when it cannot be read."""
    if not path.exists():
        raise DaemonJsonError(
            f"daemon.json not found at {path}; pass an existing file with --daemon-json "
            "or MIRRORCHECK_DAEMON_JSON, for example fixtures/daemon-json/recommended.json"
        )
    if path.is_dir():
        raise DaemonJsonError(f"--daemon-json {path} is a directory; give the path of the file")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DaemonJsonError(f"cannot read daemon.json at {path}: {error.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DaemonJsonError(
            f"daemon.json at {path} is not UTF-8 (invalid byte at offset {error.start}); "
            "save it as UTF-8, which is the only encoding dockerd reads"
        ) from None


def parse_text(text: str, path: Path) -> dict:
    """Parse daemon.json text, raising DaemonJsonError naming line, column and likely cause."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        from mirrorcheck.config.syntax import explain_syntax_error

        raise DaemonJsonError(
            f"daemon.json at {path} is not valid JSON: {explain_syntax_error(text, error)}"
        ) from None
    if not isinstance(data, dict):
        raise DaemonJsonError(
            f"daemon.json at {path} contains a JSON {type(data).__name__}, but dockerd needs an "
            'object such as {"registry-mirrors": ["https://mirror.gcr.io"]}'
        )
    return data


def load(path: Path | str) -> DaemonJson:
    """Load and parse a daemon.json file."""
    path = Path(path)
    text = read_text(path)
    return DaemonJson(path=path, text=text, data=parse_text(text, path))
