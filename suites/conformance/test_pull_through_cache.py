"""Pull-through cache behaviour of the lab's mirrors, with the lab's hub up and down.

These tests write to the lab's hub, so they run only in the lab, never against `--mirror`.
"""

from __future__ import annotations

import itertools

import pytest

from mirrorcheck.conformance import cache
from mirrorcheck.lab.outages import hub_refused

REPOSITORY = "mirrorcheck/cache-probe"
_tags = itertools.count(1)


@pytest.fixture
def lab_hub(request: pytest.FixtureRequest, live_run, target):
    """The lab, when it can push to its hub; skip otherwise."""
    if live_run:
        pytest.skip("live runs never write to the target, and these checks push to the hub")
    lab = request.getfixturevalue("lab")
    if not callable(getattr(lab, "push_image", None)):
        pytest.skip("the lab fixture offers no push_image(repository, tag)")
    return lab


def fresh_tag(target) -> str:
    """Return a tag no earlier test used, so every pull through the mirror starts cold."""
    slug = "".join(character if character.isalnum() else "-" for character in target.name)
    return f"{slug.strip('-')[:60]}-{next(_tags)}"


def warm_pull(client, tag: str) -> cache.PullRecord:
    record = cache.check_pull_succeeds(client, REPOSITORY, tag, "a cold cache")
    # NOTE: a registry:2 mirror stores a blob served cold by fetching it from the hub again in
    # the background, so a hub down at once can leave it uncached. The checks below wait up
    # to the request timeout for the cache to serve each blob, and fail when it never does.
    return record


def test_cold_pull_fills_cache(lab_hub, client, target, settings):
    tag = fresh_tag(target)
    lab_hub.push_image(REPOSITORY, tag)
    record = warm_pull(client, tag)

    with hub_refused(lab_hub):
        cache.wait_until_cached(client, REPOSITORY, record, settings.request_timeout)
        cache.check_pull_succeeds(client, REPOSITORY, record.digest, "the hub down")


def test_moved_tag_is_seen_through_mirror(lab_hub, client, target):
    tag = fresh_tag(target)
    lab_hub.push_image(REPOSITORY, tag)
    warm_pull(client, tag)

    moved = lab_hub.push_image(REPOSITORY, tag)
    cache.check_tag_move_is_seen(client, REPOSITORY, tag, moved)


def test_cached_content_served_with_upstream_down(lab_hub, client, target, settings):
    tag = fresh_tag(target)
    lab_hub.push_image(REPOSITORY, tag)
    record = warm_pull(client, tag)

    with hub_refused(lab_hub):
        cache.wait_until_cached(client, REPOSITORY, record, settings.request_timeout)
        served = cache.check_pull_succeeds(client, REPOSITORY, tag, "the hub down")
    assert served.digest == record.digest


def test_uncached_content_with_upstream_down_fails_with_status(lab_hub, client, target):
    tag = fresh_tag(target)
    lab_hub.push_image(REPOSITORY, tag)

    with hub_refused(lab_hub):
        cache.check_uncached_fails_with_status(client, REPOSITORY, tag)
