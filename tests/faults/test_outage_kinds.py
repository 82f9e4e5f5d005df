"""Each outage kind, applied to a real curl client and a real docker-registry."""

from __future__ import annotations

import json
import os
import time

import pytest

from mirrorcheck.faults import SlowLink, outage, remaining
from mirrorcheck.faults.responses import RATE_LIMIT, RATE_LIMIT_REMAINING

from .netlab import ALIAS_NAME, REGISTRY_NAME, REPOSITORY, TAG, NetLab

pytestmark = pytest.mark.slow

# Bounds that only separate "at once" from "waited for a timeout"; they are no benchmark.
AT_ONCE_SECONDS = 1.5
CURL_CONNECT_REFUSED = 7
CURL_COULD_NOT_RESOLVE = 6
CURL_TIMED_OUT = 28
CURL_PEER_CERT = 60
# Without it, distribution 2.8 tries to convert the schema 2 manifest to schema 1 and fails.
ACCEPT_SCHEMA2 = ("-H", "Accept: application/vnd.docker.distribution.manifest.v2+json")

# curl stops at its timeout but reports time_total from its own clock, seen as 1.99987 s for a
# 2 s timeout: a wait that reached the timeout may read up to this much under it.
CURL_CLOCK_SLACK = 0.05


def manifest_path() -> str:
    return f"/v2/{REPOSITORY}/manifests/{TAG}"


def blob_path(lab: NetLab) -> str:
    return f"/v2/{REPOSITORY}/blobs/{lab.image['layer_digest']}"


def assert_reachable(lab: NetLab, hop) -> None:
    result = lab.curl(lab.url(hop, "/v2/"))
    assert result.status == 200, (
        f"GET /v2/ on {lab.url(hop, '/v2/')} returned {result.status}, expected 200 "
        f"outside any outage (curl: {result.error or 'no error'})"
    )


def test_blackhole_times_out(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    with outage("blackhole", lab.netns, hop, run_id=run_id):
        result = lab.curl(lab.url(hop, "/v2/"), connect_timeout=2)
        connect_error = lab.connect_error(hop, timeout=1)

    assert result.exit_code == CURL_TIMED_OUT, (
        f"curl exit code {result.exit_code}, expected {CURL_TIMED_OUT} (timed out): {result.error}"
    )
    assert result.seconds >= 2 - CURL_CLOCK_SLACK, (
        f"curl gave up after {result.seconds} s, before its 2 s timeout")
    assert connect_error == "timeout", f"connecting ended with {connect_error}, expected timeout"
    assert_reachable(lab, hop)


def test_refused_resets_at_once(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    with outage("refused", lab.netns, hop, run_id=run_id):
        result = lab.curl(lab.url(hop, "/v2/"), connect_timeout=5)
        connect_error = lab.connect_error(hop)

    assert result.exit_code == CURL_CONNECT_REFUSED, (
        f"curl exit code {result.exit_code}, expected {CURL_CONNECT_REFUSED}: {result.error}"
    )
    assert connect_error == "ECONNREFUSED", (
        f"connecting failed with {connect_error}, expected ECONNREFUSED from a TCP reset"
    )
    assert result.seconds < AT_ONCE_SECONDS, (
        f"refused connection took {result.seconds} s, expected a reset at once"
    )
    assert_reachable(lab, hop)


def test_refused_leaves_other_ports(lab: NetLab, run_id: str):
    with outage("refused", lab.netns, lab.tls_hop, run_id=run_id):
        assert_reachable(lab, lab.http_hop)


def test_unresolvable_hides_name_in_place(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    inode_before = os.stat(lab.hosts_file).st_ino
    text_before = lab.hosts_file.read_text()

    with outage("unresolvable", lab.netns, hop, hosts_file=lab.hosts_file, run_id=run_id):
        hidden = lab.curl(lab.url(hop, "/v2/"))
        alias = lab.curl(f"https://{ALIAS_NAME}:{hop.port}/v2/", "-k")
        inode_during = os.stat(lab.hosts_file).st_ino

    assert hidden.exit_code == CURL_COULD_NOT_RESOLVE, (
        f"curl exit code {hidden.exit_code}, expected {CURL_COULD_NOT_RESOLVE} "
        f"(could not resolve {REGISTRY_NAME}): {hidden.error}"
    )
    assert alias.status == 200, (
        f"{ALIAS_NAME}, on the same hosts line, returned {alias.status}: {alias.error}; "
        "expected it to keep resolving"
    )
    assert inode_during == inode_before, "hosts file was replaced; the bind mount needs its inode"
    assert lab.hosts_file.read_text() == text_before, "hosts file differs after the outage"
    assert_reachable(lab, hop)


def test_unresolvable_needs_hosts_entry(lab: NetLab, run_id: str):
    from mirrorcheck.faults import FaultError, Hop

    missing = Hop(ip=lab.tls_hop.ip, port=443, tls=True, host_name="absent.mcf.test")
    with pytest.raises(FaultError, match="has no entry for absent.mcf.test"):
        with outage("unresolvable", lab.netns, missing, hosts_file=lab.hosts_file,
                    run_id=run_id):
            pass


@pytest.mark.parametrize("hop_name", ["tls_hop", "http_hop"])
def test_stall_answers_ping_then_hangs(lab: NetLab, run_id: str, hop_name: str):
    hop = getattr(lab, hop_name)
    with outage("stall", lab.netns, hop, tls=lab.tls_material, run_id=run_id) as active:
        ping = lab.curl(lab.url(hop, "/v2/"), max_time=5)
        manifest = lab.curl(lab.url(hop, manifest_path()), max_time=3)
        proxy_log = active.proxy_log()

    assert ping.status == 200, f"GET /v2/ returned {ping.status}, expected 200: {ping.error}"
    assert ping.headers.get("docker-distribution-api-version") == "registry/2.0", (
        f"GET /v2/ headers {ping.headers} lack the registry's; expected the real answer"
    )
    assert manifest.exit_code == CURL_TIMED_OUT, (
        f"manifest GET ended with curl exit code {manifest.exit_code} and status "
        f"{manifest.status}, expected {CURL_TIMED_OUT} (timed out): {manifest.error}"
    )
    assert manifest.seconds >= 3 - CURL_CLOCK_SLACK, (
        f"manifest GET ended after {manifest.seconds} s, before 3 s")
    assert "stalling GET" in proxy_log, f"proxy log shows no stalled request:\n{proxy_log}"
    after = lab.curl(lab.url(hop, manifest_path()), *ACCEPT_SCHEMA2)
    assert after.status == 200, f"manifest GET after the outage returned {after.status}"


def test_http_503_answers_everything(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    expected = (b'{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}\n')
    with outage("http-503", lab.netns, hop, tls=lab.tls_material, run_id=run_id):
        results = {path: lab.curl(lab.url(hop, path))
                   for path in ("/v2/", manifest_path(), blob_path(lab))}

    for path, result in results.items():
        assert result.status == 503, f"GET {path} returned {result.status}, expected 503"
        assert result.body == expected, f"GET {path} body {result.body!r}, expected {expected!r}"
        assert result.headers.get("content-type") == "application/json; charset=utf-8"
    assert_reachable(lab, hop)


def test_http_429_limits_manifest_gets(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    with outage("http-429", lab.netns, hop, tls=lab.tls_material, run_id=run_id):
        manifest = lab.curl(lab.url(hop, manifest_path()))
        head = lab.curl(lab.url(hop, manifest_path()), "-I", *ACCEPT_SCHEMA2)
        blob = lab.curl(lab.url(hop, blob_path(lab)))
        ping = lab.curl(lab.url(hop, "/v2/"))

    assert manifest.status == 429, f"manifest GET returned {manifest.status}, expected 429"
    error = json.loads(manifest.body)["errors"][0]
    assert error["code"] == "TOOMANYREQUESTS"
    assert "pull rate limit" in error["message"], f"message {error['message']!r}"
    assert manifest.headers.get("ratelimit-limit") == RATE_LIMIT
    assert manifest.headers.get("ratelimit-remaining") == RATE_LIMIT_REMAINING
    assert head.status == 200, f"manifest HEAD returned {head.status}; Hub does not count HEADs"
    assert blob.status == 200, f"blob GET returned {blob.status}, expected it forwarded"
    assert len(blob.body) == lab.image["layer_size"]
    assert ping.status == 200, f"GET /v2/ returned {ping.status}, expected it forwarded"


def test_manifest_unknown_matches_registry(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    real_missing = lab.curl(lab.url(hop, f"/v2/{REPOSITORY}/manifests/{TAG}-absent"))
    real_missing_digest = lab.curl(lab.url(hop, f"/v2/{REPOSITORY}/manifests/sha256:{'0' * 64}"))

    with outage("manifest-unknown", lab.netns, hop, tls=lab.tls_material, run_id=run_id):
        by_tag = lab.curl(lab.url(hop, f"/v2/{REPOSITORY}/manifests/{TAG}-absent"))
        by_digest = lab.curl(lab.url(hop, f"/v2/{REPOSITORY}/manifests/sha256:{'0' * 64}"))
        existing = lab.curl(lab.url(hop, manifest_path()), *ACCEPT_SCHEMA2)
        head = lab.curl(lab.url(hop, manifest_path()), "-I", *ACCEPT_SCHEMA2)
        blob = lab.curl(lab.url(hop, blob_path(lab)))

    assert by_tag.status == 404
    assert by_tag.body == real_missing.body, (
        f"injected body {by_tag.body!r} differs from docker-registry's {real_missing.body!r}"
    )
    assert by_digest.body == real_missing_digest.body, (
        f"injected body {by_digest.body!r} differs from {real_missing_digest.body!r}"
    )
    assert existing.status == 404, f"existing manifest returned {existing.status}, expected 404"
    assert json.loads(existing.body)["errors"][0]["code"] == "MANIFEST_UNKNOWN"
    assert head.status == 404, f"manifest HEAD returned {head.status}, expected 404"
    assert blob.status == 200, f"blob GET returned {blob.status}, expected it forwarded"
    assert len(blob.body) == lab.image["layer_size"]


def test_http_fault_on_plain_http_hop(lab: NetLab, run_id: str):
    hop = lab.http_hop
    with outage("manifest-unknown", lab.netns, hop, run_id=run_id):
        manifest = lab.curl(lab.url(hop, manifest_path()))
        ping = lab.curl(lab.url(hop, "/v2/"))

    assert manifest.status == 404, f"manifest GET returned {manifest.status}, expected 404"
    assert ping.status == 200, f"GET /v2/ returned {ping.status}, expected it forwarded"


def test_tls_untrusted_fails_verification(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    with outage("tls-untrusted", lab.netns, hop, tls=lab.tls_material, run_id=run_id):
        verified = lab.curl(lab.url(hop, "/v2/"))
        unverified = lab.curl(lab.url(hop, "/v2/"), "-k")

    assert verified.exit_code == CURL_PEER_CERT, (
        f"curl exit code {verified.exit_code}, expected {CURL_PEER_CERT}: {verified.error}"
    )
    assert "self-signed certificate in certificate chain" in verified.error, (
        f"curl error {verified.error!r} does not name an untrusted issuer"
    )
    assert unverified.status == 200, (
        f"without verification GET /v2/ returned {unverified.status}, expected it forwarded"
    )


def test_tls_wrong_name_fails_verification(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    with outage("tls-wrong-name", lab.netns, hop, tls=lab.tls_material, run_id=run_id):
        verified = lab.curl(lab.url(hop, "/v2/"))

    assert verified.exit_code == CURL_PEER_CERT, (
        f"curl exit code {verified.exit_code}, expected {CURL_PEER_CERT}: {verified.error}"
    )
    assert "no alternative certificate subject name matches" in verified.error, (
        f"curl error {verified.error!r} does not name a host name mismatch"
    )


def test_slow_adds_latency_and_caps_rate(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    link = SlowLink(delay_ms=400, rate_kbit=512)
    with outage("slow", lab.netns, hop, tls=lab.tls_material, run_id=run_id, slow=link):
        ping = lab.curl(lab.url(hop, "/v2/"))
        blob = lab.curl(lab.url(hop, blob_path(lab)), max_time=30)

    # Lower bounds only: pacing guarantees them, while upper bounds would depend on load.
    transfer_seconds = lab.image["layer_size"] * 8 / (link.rate_kbit * 1000)
    assert ping.status == 200
    assert ping.seconds >= link.delay_ms / 1000, (
        f"GET /v2/ took {ping.seconds} s, expected at least the {link.delay_ms} ms delay"
    )
    assert blob.status == 200
    assert len(blob.body) == lab.image["layer_size"]
    assert blob.seconds >= 0.9 * transfer_seconds, (
        f"{lab.image['layer_size']} bytes took {blob.seconds:.2f} s, expected at least "
        f"{transfer_seconds:.2f} s at {link.rate_kbit} kbit/s"
    )


def test_proxy_starts_quickly(lab: NetLab, run_id: str):
    started = time.monotonic()
    with outage("http-503", lab.netns, lab.tls_hop, tls=lab.tls_material, run_id=run_id):
        seconds = time.monotonic() - started
    # Installing takes well under 1 s when idle; the bound leaves a margin for a loaded machine.
    assert seconds < 5, f"installing the proxy outage took {seconds:.2f} s, expected under 5 s"
    print(f"proxy outage installed in {seconds:.3f} s")


@pytest.mark.parametrize("kind", ["blackhole", "refused", "stall", "http-503", "slow"])
def test_exit_leaves_nothing(lab: NetLab, run_id: str, kind: str):
    with outage(kind, lab.netns, lab.tls_hop, tls=lab.tls_material, run_id=run_id):
        assert remaining(lab.netns, run_id=run_id) != [], f"{kind} installed nothing"

    assert remaining(lab.netns, run_id=run_id) == []
