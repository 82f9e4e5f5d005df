"""Rate-limit headers of each target, parsed and shown in the report when present."""

from mirrorcheck.conformance import ratelimit
from mirrorcheck.registry import mediatypes


def test_rate_limit_headers_are_well_formed(client, samples, request):
    sample = next(iter(samples.manifests.values()), None) or \
        samples.manifest(mediatypes.DOCKER_MANIFEST_LIST)
    rate_limit = ratelimit.check_rate_limit_headers_are_well_formed(client, sample)
    # user_properties reach the HTML and JSON reports.
    request.node.user_properties.append(("rate_limit", rate_limit.describe()))
    request.node.user_properties.append(("rate_limit_headers", rate_limit.raw))
