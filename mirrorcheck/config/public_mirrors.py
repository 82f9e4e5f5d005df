"""Public Docker Hub mirrors known to be retired or restricted, from the data file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "public-mirrors.json"


@dataclass(frozen=True)
class PublicMirror:
    """One public mirror with its status ("retired" or "restricted") and its public source."""

    host: str
    status: str
    since: str
    detail: str
    source: str


@lru_cache(maxsize=1)
def load_public_mirrors(path: Path = DATA_FILE) -> dict[str, PublicMirror]:
    """Return the known public mirrors by lower-case host name."""
    entries = json.loads(path.read_text(encoding="utf-8"))["mirrors"]
    return {entry["host"].lower(): PublicMirror(**entry) for entry in entries}
