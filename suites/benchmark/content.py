"""Image content as one pull transfers it, fetched with the registry client as dockerd would."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mirrorcheck.lab.images import docker_reference, host_architecture
from mirrorcheck.lab.lab import Lab
from mirrorcheck.registry import RegistryClient
from mirrorcheck.registry.manifests import Descriptor, select_platform


@dataclass(frozen=True)
class Endpoint:
    """A lab registry as the registry client reaches it: a URL from the host, the CA, a timeout."""

    name: str
    url: str
    ca_bundle: Path
    timeout: float


def lab_endpoint(lab: Lab, name: str, timeout: float) -> Endpoint:
    """Return the endpoint of the lab registry called name, as the host reaches it."""
    registry = lab.registry(name)
    return Endpoint(name=name, url=registry.host_url, ca_bundle=lab.ca_bundle, timeout=timeout)


def split_image(image: str) -> tuple[str, str]:
    """Return (repository, tag) of a docker.io image name, such as ('library/alpine', 'latest')."""
    reference = docker_reference(image)
    if reference is None:
        raise ValueError(f"{image} is not a docker.io image; registry mirrors never serve it")
    return reference


def platform_blobs(client: RegistryClient, repository: str, tag: str) -> list[Descriptor]:
    """Return the config, then the layers, this host's platform pulls, resolving an index first."""
    top = client.get_manifest(repository, tag).manifest
    if not top.is_index:
        return top.blobs

    entry = select_platform(top, "linux", host_architecture())
    if entry is None:
        platforms = [child.platform_name for child in top.children]
        raise ValueError(f"{repository}:{tag} has no linux/{host_architecture()} manifest, "
                         f"only {platforms}")
    return client.get_manifest(repository, entry.digest).manifest.blobs


def pull_size(endpoint: Endpoint, image: str) -> int:
    """Return the bytes of config and layers one pull of image transfers for this host."""
    repository, tag = split_image(image)
    with RegistryClient(endpoint.url, str(endpoint.ca_bundle), endpoint.timeout) as client:
        return sum(blob.size for blob in platform_blobs(client, repository, tag))


def layer_digests(endpoint: Endpoint, image: str) -> set[str]:
    """Return the digests of the layers (not the config) this host's platform pulls."""
    repository, tag = split_image(image)
    with RegistryClient(endpoint.url, str(endpoint.ca_bundle), endpoint.timeout) as client:
        blobs = platform_blobs(client, repository, tag)
    return {blob.digest for blob in blobs[1:]}


def fetch_image(endpoint: Endpoint, image: str) -> int:
    """Fetch manifest, config and layers of image with a new client; return the blob bytes.

    Every blob is read in full and its digest verified. A new client each call makes each
    round pay for its TCP and TLS set-up, as a fresh `docker pull` does.
    """
    repository, tag = split_image(image)
    with RegistryClient(endpoint.url, str(endpoint.ca_bundle), endpoint.timeout) as client:
        total = 0
        for blob in platform_blobs(client, repository, tag):
            total += client.download_blob(repository, blob.digest).size
    return total
