"""Hiding a name from a hosts file in place, and putting it back.

The file is rewritten in place (same inode) because the daemon under test reads it through a
bind mount, which stays on the old file after a rename. A hidden line stays in the
file as a comment that starts with the run's marker, so a sweep can restore it even after
the process that hid it died.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mirrorcheck.faults.model import COMMENT_PREFIX, FaultError

log = logging.getLogger(__name__)

# Go's built-in resolver (net/hosts.go, cacheMaxAge) caches the hosts file for 5 s and then
# re-reads it if its mtime or size changed. So a Go client may resolve a hidden name for up
# to this long. glibc reads the file on every lookup.
GO_HOSTS_CACHE_SECONDS = 5.0


def _hidden_prefix(marker: str) -> str:
    return f"# {marker} hidden: "


def _kept_suffix(marker: str) -> str:
    return f" # {marker} kept"


def _names_of(line: str) -> tuple[str, list[str]] | None:
    """Return (address, names) of a hosts entry, or None for a blank or comment line."""
    fields = line.split("#", 1)[0].split()
    if len(fields) < 2:
        return None
    return fields[0], fields[1:]


def _rewrite(path: Path, lines: list[str]) -> None:
    with path.open("r+", encoding="utf-8") as handle:
        handle.seek(0)
        handle.write("".join(line + "\n" for line in lines))
        handle.truncate()


def hide_name(path: Path, name: str, marker: str) -> int:
    """Comment out every entry of name in the hosts file at path and return how many.

    Other names on the same line stay resolvable on a line of their own. Raise FaultError
    when the file has no entry for name, because then the name would still resolve
    through DNS, if anywhere.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    rewritten = []
    hidden = 0
    for line in lines:
        entry = _names_of(line)
        if entry is None or name.lower() not in (n.lower() for n in entry[1]):
            rewritten.append(line)
            continue
        address, names = entry
        rewritten.append(_hidden_prefix(marker) + line)
        others = [n for n in names if n.lower() != name.lower()]
        if others:
            rewritten.append(f"{address} {' '.join(others)}{_kept_suffix(marker)}")
        hidden += 1

    if hidden == 0:
        raise FaultError(
            f"hosts file {path} has no entry for {name}; the unresolvable outage hides a name "
            "that the client resolves from this file, so add the name there first"
        )
    _rewrite(path, rewritten)
    log.info("hid %d hosts entries of %s in %s (%s)", hidden, name, path, marker)
    return hidden


def restore_names(path: Path, marker: str) -> int:
    """Undo hide_name for marker and return how many entries came back."""
    lines = path.read_text(encoding="utf-8").splitlines()
    prefix = _hidden_prefix(marker)
    suffix = _kept_suffix(marker)
    rewritten = []
    restored = 0
    for line in lines:
        if line.endswith(suffix):
            continue
        if line.startswith(prefix):
            rewritten.append(line.removeprefix(prefix))
            restored += 1
            continue
        rewritten.append(line)

    if restored or len(rewritten) != len(lines):
        _rewrite(path, rewritten)
        log.info("restored %d hosts entries in %s (%s)", restored, path, marker)
    return restored


def list_hidden(path: Path, marker: str | None = None) -> list[str]:
    """Return the lines of path that hide_name wrote for marker, or for any run when None."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if marker is not None:
            if line.startswith(_hidden_prefix(marker)) or line.endswith(_kept_suffix(marker)):
                found.append(line)
        elif line.startswith(f"# {COMMENT_PREFIX}") or f" # {COMMENT_PREFIX}" in line:
            found.append(line)
    return found


def markers_in(path: Path) -> set[str]:
    """Return the markers of every run that left hidden entries in path."""
    markers = set()
    for line in list_hidden(path):
        if line.startswith(f"# {COMMENT_PREFIX}"):
            markers.add(line[2:].split(" ", 1)[0])
    return markers
