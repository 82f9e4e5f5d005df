"""Manifests and indexes of each target, for each media type, by tag and by digest."""

import pytest

from mirrorcheck.conformance import manifests
from mirrorcheck.registry import mediatypes


@pytest.mark.gate
def test_manifest_by_tag_answers_200(client, samples, media_type):
    manifests.check_manifest_by_tag_answers_200(client, samples.manifest(media_type))


@pytest.mark.gate
def test_manifest_by_digest_returns_those_bytes(client, samples, media_type):
    manifests.check_manifest_by_digest_returns_those_bytes(client, samples.manifest(media_type))


def test_manifest_digest_header_matches_body(client, samples, media_type):
    manifests.check_manifest_digest_header_matches_body(client, samples.manifest(media_type))


def test_manifest_content_type_is_media_type(client, samples, media_type):
    manifests.check_manifest_content_type_is_media_type(client, samples.manifest(media_type))


def test_manifest_head_agrees_with_get(client, samples, media_type):
    manifests.check_manifest_head_agrees_with_get(client, samples.manifest(media_type))


def test_manifest_head_has_no_body(client, samples, media_type):
    manifests.check_manifest_head_has_no_body(client, samples.manifest(media_type))


@pytest.mark.parametrize("index_type", mediatypes.INDEX_TYPES,
                         ids=[mediatypes.SHORT_NAMES[key] for key in mediatypes.INDEX_TYPES])
def test_index_resolves_to_platform_manifests(client, samples, index_type):
    manifests.check_index_resolves_to_platform_manifests(client, samples.manifest(index_type))
