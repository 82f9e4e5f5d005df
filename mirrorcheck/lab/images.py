"""Synthetic images that dockerd can pull and unpack: gzip layers, configs, manifests, indexes.

The lab's hub and the tests' local registries are seeded with these. Layers hold one file of
random bytes, so gzip cannot shrink them and a layer is as large as requested. Without a seed the
bytes come from os.urandom, so every build is a new image. With a seed they come from a
generator seeded with it, so the same arguments always give the same digests.

In the lab, the first docker.io image is served as a Docker manifest list and the second as
an OCI index, each with an amd64 and an arm64 manifest. The third is an OCI manifest and the
others are plain Docker v2 manifests for this host's platform. So every media type a mirror
must carry is reachable by tag.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import platform
import random
import tarfile
from dataclasses import dataclass, field

from mirrorcheck.registry.client import RegistryClient
from mirrorcheck.registry.manifests import sha256_digest
from mirrorcheck.registry.mediatypes import (
    DOCKER_CONFIG,
    DOCKER_LAYER,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_LAYER,
    OCI_MANIFEST,
)
from mirrorcheck.registry.push import push_blob, push_manifest

log = logging.getLogger(__name__)

DEFAULT_LAYER_SIZE = 1 << 20
# Manifest kinds: whether the layers and manifests are OCI (else Docker), and whether the
# tag points at an index over two platforms (else at one image manifest).
KINDS = {
    "docker": (False, False),
    "oci": (True, False),
    "docker-list": (False, True),
    "oci-index": (True, True),
}

DOCKER_HUB_DOMAINS = ("docker.io", "index.docker.io", "registry-1.docker.io")
MACHINE_TO_ARCHITECTURE = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def host_architecture() -> str:
    return MACHINE_TO_ARCHITECTURE.get(platform.machine(), platform.machine())


@dataclass(frozen=True)
class Blob:
    media_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return sha256_digest(self.data)

    def descriptor(self) -> dict:
        return {"mediaType": self.media_type, "size": len(self.data), "digest": self.digest}


@dataclass
class SyntheticImage:
    """One tag's content: the blobs to upload, then manifests in upload order, last is the tag."""

    repository: str
    tag: str
    blobs: list[Blob] = field(default_factory=list)
    manifests: list[Blob] = field(default_factory=list)

    @property
    def media_type(self) -> str:
        return self.manifests[-1].media_type

    @property
    def digest(self) -> str:
        return self.manifests[-1].digest

    @property
    def size(self) -> int:
        return sum(len(blob.data) for blob in self.blobs)


def docker_reference(image: str) -> tuple[str, str] | None:
    """Return (repository, tag) of a docker.io image name, or None for another registry."""
    name, tag = image, "latest"
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if parts[0] not in DOCKER_HUB_DOMAINS:
            return None
        parts = parts[1:]
    if len(parts) == 1:
        parts = ["library", *parts]
    return "/".join(parts), tag


def _layer(size: int, label: str, seed: str | None) -> tuple[bytes, str]:
    """Return a gzip layer holding one file of size random bytes, and its diff id."""
    payload = os.urandom(size) if seed is None else random.Random(seed).randbytes(size)
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo(f"mirrorcheck/{label}.bin")
        info.size = size
        info.mode = 0o644
        archive.addfile(info, io.BytesIO(payload))
    tar_bytes = tar_buffer.getvalue()
    # Level 1: random bytes do not compress, so a higher level only costs time.
    return gzip.compress(tar_bytes, compresslevel=1, mtime=0), sha256_digest(tar_bytes)


def _config(architecture: str, diff_ids: list[str], media_type: str) -> Blob:
    config = {
        "architecture": architecture,
        "os": "linux",
        "config": {"Cmd": ["/bin/true"], "Labels": {"io.mirrorcheck.synthetic": "true"}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "mirrorcheck synthetic layer"} for _ in diff_ids],
    }
    return Blob(media_type, json.dumps(config, sort_keys=True).encode())


def _platform_manifest(image: SyntheticImage, architecture: str, layer_sizes: tuple[int, ...],
                       oci: bool, seed: str | None) -> Blob:
    layers, diff_ids = [], []
    for number, layer_size in enumerate(layer_sizes):
        label = f"{image.repository.replace('/', '-')}-{architecture}-{number}"
        layer_seed = None if seed is None else f"{seed}/{architecture}/{number}"
        layer_bytes, diff_id = _layer(layer_size, label, layer_seed)
        layers.append(Blob(OCI_LAYER if oci else DOCKER_LAYER, layer_bytes))
        diff_ids.append(diff_id)
    config = _config(architecture, diff_ids, OCI_CONFIG if oci else DOCKER_CONFIG)
    image.blobs += [*layers, config]
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
        "config": config.descriptor(),
        "layers": [layer.descriptor() for layer in layers],
    }
    return Blob(manifest["mediaType"], json.dumps(manifest, indent=3).encode())


def _multi_platform(image: SyntheticImage, layer_sizes: tuple[int, ...], oci: bool,
                    seed: str | None) -> None:
    entries = []
    # NOTE: on a host that is neither amd64 nor arm64 the index has no linux/amd64 entry,
    # which the pull checks in mirrorcheck.conformance.cache select.
    for architecture in (host_architecture(), "arm64" if host_architecture() != "arm64" else "amd64"):
        manifest = _platform_manifest(image, architecture, layer_sizes, oci, seed)
        image.manifests.append(manifest)
        entries.append({**manifest.descriptor(),
                        "platform": {"architecture": architecture, "os": "linux"}})
    media_type = OCI_INDEX if oci else DOCKER_MANIFEST_LIST
    index = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    image.manifests.append(Blob(media_type, json.dumps(index, indent=3).encode()))


def build_image(repository: str, tag: str, layer_sizes: tuple[int, ...] = (DEFAULT_LAYER_SIZE,),
                kind: str = "docker", *, seed: str | None = None) -> SyntheticImage:
    """Build one synthetic image with one layer of each size in layer_sizes, per platform.

    Args:
        repository: the repository the image is pushed to, such as `library/alpine`.
        tag: the tag that points at the image manifest, or at the index.
        layer_sizes: bytes of random content in each layer, before tar and gzip.
        kind: 'docker' or 'oci' for one image manifest for this host's platform;
            'docker-list' or 'oci-index' for an index over this host's platform and one other.
        seed: makes the content reproducible; None gives new random content each call.

    Raises:
        ValueError: kind is not one of KINDS.
    """
    if kind not in KINDS:
        raise ValueError(f"invalid image kind {kind!r}, expected one of {', '.join(KINDS)}")
    oci, multi_platform = KINDS[kind]

    image = SyntheticImage(repository=repository, tag=tag)
    if multi_platform:
        _multi_platform(image, layer_sizes, oci, seed)
    else:
        image.manifests.append(_platform_manifest(image, host_architecture(), layer_sizes, oci,
                                                  seed))
    return image


def push_image(client: RegistryClient, image: SyntheticImage) -> str:
    """Push an image's blobs, its platform manifests by digest, then its tag; return the digest."""
    for blob in image.blobs:
        push_blob(client, image.repository, blob.data)
    for manifest in image.manifests[:-1]:
        push_manifest(client, image.repository, manifest.digest, manifest.data,
                      manifest.media_type)
    push_manifest(client, image.repository, image.tag, image.manifests[-1].data,
                  image.media_type)
    log.info("pushed %s:%s (%s, %d bytes of blobs) to %s",
             image.repository, image.tag, image.media_type, image.size, client.base_url)
    return image.digest


def kind_for_position(position: int) -> str:
    """Return the manifest kind of the critical image at this position in the list.

    The first three carry a Docker manifest list, an OCI index and an OCI manifest by tag, so
    every media type a mirror must serve is reachable by tag. The rest are Docker v2.
    """
    return {0: "docker-list", 1: "oci-index", 2: "oci"}.get(position, "docker")
