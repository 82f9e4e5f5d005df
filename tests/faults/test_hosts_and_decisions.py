"""Hosts-file edits and the proxy's per-request decisions, on real files and values."""

from __future__ import annotations

import pytest

from mirrorcheck.faults import FaultError, Kind
from mirrorcheck.faults import hosts
from mirrorcheck.faults.responses import Forward, Respond, Stall, decide

MARKER = "mirrorcheck-mc-test"
HOSTS = (
    "# static lab names\n"
    "127.0.0.1 localhost\n"
    "10.213.7.3 Mirror.GCR.io other.test\n"
    "10.213.7.4 mirror.gcr.io\n"
    "10.213.7.5 unrelated.test  # mirror.gcr.io in a comment\n"
)


def test_hide_name_comments_every_entry(tmp_path):
    path = tmp_path / "hosts"
    path.write_text(HOSTS)

    hidden = hosts.hide_name(path, "mirror.gcr.io", MARKER)

    assert hidden == 2
    lines = path.read_text().splitlines()
    assert "10.213.7.3 other.test # mirrorcheck-mc-test kept" in lines
    assert "# mirrorcheck-mc-test hidden: 10.213.7.4 mirror.gcr.io" in lines
    assert "10.213.7.5 unrelated.test  # mirror.gcr.io in a comment" in lines
    assert len(hosts.list_hidden(path, MARKER)) == 3


def test_restore_names_returns_original(tmp_path):
    path = tmp_path / "hosts"
    path.write_text(HOSTS)
    inode = path.stat().st_ino

    hosts.hide_name(path, "mirror.gcr.io", MARKER)
    restored = hosts.restore_names(path, MARKER)

    assert restored == 2
    assert path.read_text() == HOSTS
    assert path.stat().st_ino == inode
    assert hosts.restore_names(path, MARKER) == 0, "a second restore changed the file again"


def test_restore_leaves_other_runs(tmp_path):
    path = tmp_path / "hosts"
    path.write_text(HOSTS)
    hosts.hide_name(path, "mirror.gcr.io", MARKER)
    hosts.hide_name(path, "unrelated.test", "mirrorcheck-mc-other")

    hosts.restore_names(path, MARKER)

    assert hosts.markers_in(path) == {"mirrorcheck-mc-other"}


def test_hide_absent_name_raises(tmp_path):
    path = tmp_path / "hosts"
    path.write_text(HOSTS)

    with pytest.raises(FaultError, match="has no entry for registry.absent"):
        hosts.hide_name(path, "registry.absent", MARKER)
    assert path.read_text() == HOSTS


MANIFEST = "/v2/library/alpine/manifests/latest"
BLOB = "/v2/library/alpine/blobs/sha256:" + "a" * 64


@pytest.mark.parametrize(("kind", "method", "path", "expected"), [
    (Kind.STALL, "GET", "/v2/", Forward),
    (Kind.STALL, "GET", MANIFEST, Stall),
    (Kind.STALL, "GET", BLOB, Stall),
    (Kind.HTTP_503, "GET", "/v2/", 503),
    (Kind.HTTP_503, "GET", BLOB, 503),
    (Kind.HTTP_429, "GET", MANIFEST, 429),
    (Kind.HTTP_429, "HEAD", MANIFEST, Forward),
    (Kind.HTTP_429, "GET", BLOB, Forward),
    (Kind.MANIFEST_UNKNOWN, "GET", MANIFEST, 404),
    (Kind.MANIFEST_UNKNOWN, "HEAD", MANIFEST, 404),
    (Kind.MANIFEST_UNKNOWN, "GET", BLOB, Forward),
    (Kind.MANIFEST_UNKNOWN, "GET", "/v2/", Forward),
    (Kind.SLOW, "GET", MANIFEST, Forward),
    (Kind.TLS_WRONG_NAME, "GET", MANIFEST, Forward),
])
def test_decide_per_kind(kind, method, path, expected):
    action = decide(kind, method, path, "10.213.200.1")

    if isinstance(expected, int):
        assert isinstance(action, Respond), f"{kind.value} {method} {path}: {action}"
        assert action.status == expected
    else:
        assert isinstance(action, expected), f"{kind.value} {method} {path}: {action}"


def test_decide_nested_repository_name():
    action = decide(Kind.MANIFEST_UNKNOWN, "GET", "/v2/a/b/c/manifests/sha256:" + "0" * 64,
                    "10.213.200.1")

    assert isinstance(action, Respond)
    assert b'"Name":"a/b/c"' in action.body
