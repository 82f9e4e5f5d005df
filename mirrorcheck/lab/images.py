"""Synthetic images for the lab's hub: real gzip layers, configs, manifests, lists and indexes.

Each critical image gets layers of random bytes (so gzip cannot shrink them and sizes mean
what they say). The first docker.io image is served as a Docker manifest list and the second
as an OCI index, each with an amd64 and an arm64 manifest; the others as plain Docker v2
manifests for this host's platform. So every media type a mirror must carry is present.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import platform
import tarfile
from dataclasses import dataclass, field

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

DOCKER_HUB_DOMAINS = ("docker.io", "index.docker.io", "registry-1.docker.io")
MACHINE_TO_ARCHITECTURE = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def host_architecture() -> str:
    return MACHINE_TO_ARCHITECTURE.get(platform.machine(), platform.machine())


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


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


def _layer(size: int, label: str) -> tuple[bytes, str]:
    """Return a gzip layer holding one file of size random bytes, and its diff id."""
    payload = os.urandom(size)
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


def _platform_manifest(image: SyntheticImage, architecture: str, layer_size: int, oci: bool,
                       layer_count: int = 1) -> Blob:
    layers, diff_ids = [], []
    for number in range(layer_count):
        label = f"{image.repository.replace('/', '-')}-{architecture}-{number}"
        layer_bytes, diff_id = _layer(layer_size, label)
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


def _multi_platform(image: SyntheticImage, layer_size: int, oci: bool) -> None:
    entries = []
    for architecture in (host_architecture(), "arm64" if host_architecture() != "arm64" else "amd64"):
        manifest = _platform_manifest(image, architecture, layer_size, oci)
        image.manifests.append(manifest)
        entries.append({**manifest.descriptor(),
                        "platform": {"architecture": architecture, "os": "linux"}})
    media_type = OCI_INDEX if oci else DOCKER_MANIFEST_LIST
    index = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    image.manifests.append(Blob(media_type, json.dumps(index, indent=3).encode()))


def build_image(repository: str, tag: str, layer_size: int, kind: str,
                layer_count: int = 1) -> SyntheticImage:
    """Build one synthetic image; kind is 'docker', 'docker-list' or 'oci-index'.

    layer_count applies to 'docker' images; the multi-platform kinds get one layer a platform.
    """
    image = SyntheticImage(repository=repository, tag=tag)
    if kind == "docker":
        image.manifests.append(_platform_manifest(image, host_architecture(), layer_size,
                                                  oci=False, layer_count=layer_count))
    else:
        _multi_platform(image, layer_size, oci=kind == "oci-index")
    return image


def kind_for_position(position: int) -> str:
    """Return the manifest kind of the critical image at this position in the list."""
    return {0: "docker-list", 1: "oci-index"}.get(position, "docker")
