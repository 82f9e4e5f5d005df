"""Unknown manifests and blobs on each target: 404 with the registry error code."""

from mirrorcheck.conformance import unknown


def test_unknown_tag_returns_404_manifest_unknown(client, target):
    unknown.check_unknown_tag_returns_manifest_unknown(client, target.references()[0].repository)


def test_unknown_manifest_digest_returns_404_manifest_unknown(client, target):
    repository = target.references()[0].repository
    unknown.check_unknown_manifest_digest_returns_manifest_unknown(client, repository)


def test_unknown_blob_returns_404_blob_unknown(client, target):
    unknown.check_unknown_blob_returns_blob_unknown(client, target.references()[0].repository)
