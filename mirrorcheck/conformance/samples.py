"""Samples the checks read from a target: one manifest per media type and blobs of one image.

Resolution walks the target's references (the `--reference` image, and in the lab every
critical image) once per target. A target fault found on the way is stored, not raised. So
each check that needs the sample fails with that fault, instead of the suite erroring in a
fixture.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest

from mirrorcheck.conformance.outcomes import fail
from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.client import RegistryClient
from mirrorcheck.registry.errors import RegistryError
from mirrorcheck.registry.manifests import Descriptor, select_platform
from mirrorcheck.registry.reference import Reference

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ManifestSample:
    """A manifest the target serves: by tag (when `tag` is set) and by digest."""

    repository: str
    tag: str | None
    digest: str
    media_type: str
    size: int

    def __str__(self) -> str:
        return f"{self.repository}:{self.tag}" if self.tag else f"{self.repository}@{self.digest}"


@dataclass
class Samples:
    """Manifests found per media type, blobs of one linux/amd64 image, and target faults found."""

    repository: str
    manifests: dict[str, ManifestSample] = field(default_factory=dict)
    blobs: list[Descriptor] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)

    def manifest(self, media_type: str) -> ManifestSample:
        """Return the sample of a media type; fail with the faults found, or skip when absent."""
        sample = self.manifests.get(media_type)
        if sample is not None:
            return sample
        if self.faults:
            fail("; ".join(self.faults))
        pytest.skip(
            f"no reference read from this target serves {mediatypes.SHORT_NAMES[media_type]} "
            f"({media_type}); give --reference to an image that does"
        )

    def blob(self) -> Descriptor:
        """Return the smallest layer of the image, or fail with the faults found if there is none."""
        layers = [blob for blob in self.blobs if blob.media_type not in
                  (mediatypes.DOCKER_CONFIG, mediatypes.OCI_CONFIG)]
        if not layers:
            fail("; ".join(self.faults) or f"the image in {self.repository} lists no layers")
        return min(layers, key=lambda blob: blob.size)


def _add(samples: Samples, sample: ManifestSample) -> None:
    known = samples.manifests.get(sample.media_type)
    if known is None or (known.tag is None and sample.tag is not None):
        samples.manifests[sample.media_type] = sample


def _walk(client: RegistryClient, reference: Reference, samples: Samples,
          first: bool) -> None:
    fetched = client.get_manifest(reference.repository, reference.identifier)
    manifest = fetched.manifest
    _add(samples, ManifestSample(reference.repository, reference.tag, manifest.digest,
                                 manifest.media_type, len(manifest.body)))
    image = manifest
    if manifest.is_index:
        for child in manifest.children:
            _add(samples, ManifestSample(reference.repository, None, child.digest,
                                         child.media_type, child.size))
        chosen = select_platform(manifest) or (manifest.children or [None])[0]
        if chosen is None:
            samples.faults.append(f"index {reference} lists no manifests")
            return
        image = client.get_manifest(reference.repository, chosen.digest).manifest
    if first:
        samples.repository = reference.repository
        samples.blobs = image.blobs


def resolve_samples(client: RegistryClient, references: list[Reference]) -> Samples:
    """Read each reference from the target; blobs come from the first one that resolves."""
    samples = Samples(repository=references[0].repository)
    for reference in references:
        try:
            _walk(client, reference, samples, first=not samples.blobs)
        except RegistryError as error:
            log.warning("reading %s from %s failed: %s", reference, client.base_url, error)
            samples.faults.append(str(error))
    return samples
