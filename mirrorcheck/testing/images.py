"""Synthetic images that dockerd can pull and unpack: gzipped tar layers, a config, manifests.

Content comes from a seeded random generator, so a seed always gives the same digests and a
new seed gives a new image. Layers hold one file of random bytes, so they do not compress.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import tarfile
from dataclasses import dataclass

from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.client import RegistryClient
from mirrorcheck.registry.manifests import sha256_digest
from mirrorcheck.registry.push import push_blob, push_manifest

# A fixed timestamp keeps digests reproducible for a given seed.
CREATED = "2024-01-01T00:00:00Z"
TAR_MTIME = 1704067200


@dataclass(frozen=True)
class Blob:
    media_type: str
    content: bytes

    @property
    def digest(self) -> str:
        return sha256_digest(self.content)

    def descriptor(self) -> dict:
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.content)}


@dataclass(frozen=True)
class SyntheticImage:
    """An image manifest with its config and layers, for one platform."""

    body: bytes
    media_type: str
    blobs: tuple[Blob, ...]
    platform: dict

    @property
    def digest(self) -> str:
        return sha256_digest(self.body)


@dataclass(frozen=True)
class SyntheticIndex:
    """A Docker manifest list or an OCI index over several images."""

    body: bytes
    media_type: str
    images: tuple[SyntheticImage, ...]

    @property
    def digest(self) -> str:
        return sha256_digest(self.body)


def encode_json(document: dict) -> bytes:
    return json.dumps(document, indent=3, sort_keys=True).encode("utf-8")


def build_layer(size: int, seed: str) -> tuple[bytes, str]:
    """Return a gzipped tar holding `size` random bytes, and the digest of the tar (diff ID)."""
    payload = random.Random(seed).randbytes(size)
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo(f"mirrorcheck/{hashlib.sha256(seed.encode()).hexdigest()[:16]}.bin")
        info.size = size
        info.mtime = TAR_MTIME
        archive.addfile(info, io.BytesIO(payload))
    tar_bytes = tar_buffer.getvalue()
    compressed = gzip.compress(tar_bytes, compresslevel=1, mtime=0)
    return compressed, "sha256:" + hashlib.sha256(tar_bytes).hexdigest()


def build_image(seed: str, layer_sizes: tuple[int, ...] = (1 << 20,), *, oci: bool = False,
                os: str = "linux", architecture: str = "amd64") -> SyntheticImage:
    """Build a Docker v2 (or, with `oci`, an OCI) image manifest with the given layer sizes."""
    layer_type = mediatypes.OCI_LAYER if oci else mediatypes.DOCKER_LAYER
    layers, diff_ids = [], []
    for position, size in enumerate(layer_sizes):
        content, diff_id = build_layer(size, f"{seed}/{architecture}/{position}")
        layers.append(Blob(layer_type, content))
        diff_ids.append(diff_id)

    config_document = {
        "architecture": architecture,
        "os": os,
        "created": CREATED,
        "config": {"Cmd": ["/bin/sh"], "Labels": {"org.mirrorcheck.seed": seed}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": CREATED, "created_by": f"mirrorcheck layer {i}"}
                    for i in range(len(layers))],
    }
    config = Blob(mediatypes.OCI_CONFIG if oci else mediatypes.DOCKER_CONFIG,
                  encode_json(config_document))

    media_type = mediatypes.OCI_MANIFEST if oci else mediatypes.DOCKER_MANIFEST
    manifest = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": config.descriptor(),
        "layers": [layer.descriptor() for layer in layers],
    }
    return SyntheticImage(body=encode_json(manifest), media_type=media_type,
                          blobs=(config, *layers),
                          platform={"os": os, "architecture": architecture})


def build_index(images: tuple[SyntheticImage, ...], *, oci: bool = False) -> SyntheticIndex:
    """Build a Docker manifest list (or, with `oci`, an OCI index) over the images."""
    media_type = mediatypes.OCI_INDEX if oci else mediatypes.DOCKER_MANIFEST_LIST
    document = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "manifests": [
            {"mediaType": image.media_type, "digest": image.digest, "size": len(image.body),
             "platform": image.platform}
            for image in images
        ],
    }
    return SyntheticIndex(body=encode_json(document), media_type=media_type, images=images)


def build_multi_platform(seed: str, layer_sizes: tuple[int, ...] = (1 << 20,), *,
                         oci: bool = False) -> SyntheticIndex:
    """Build an index over linux/amd64 and linux/arm64 images."""
    images = tuple(build_image(seed, layer_sizes, oci=oci, architecture=architecture)
                   for architecture in ("amd64", "arm64"))
    return build_index(images, oci=oci)


def push_image(client: RegistryClient, repository: str, tag: str,
               image: SyntheticImage | SyntheticIndex) -> str:
    """Push an image or index with all its blobs under a tag; return the tagged digest."""
    images = image.images if isinstance(image, SyntheticIndex) else (image,)
    for member in images:
        for blob in member.blobs:
            push_blob(client, repository, blob.content)
        if isinstance(image, SyntheticIndex):
            push_manifest(client, repository, member.digest, member.body, member.media_type)
    return push_manifest(client, repository, tag, image.body, image.media_type)
