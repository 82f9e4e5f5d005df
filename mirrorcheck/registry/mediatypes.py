"""Media types of the manifests and indexes that dockerd, containerd and Podman pull."""

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"

DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

INDEX_TYPES = (DOCKER_MANIFEST_LIST, OCI_INDEX)
IMAGE_MANIFEST_TYPES = (DOCKER_MANIFEST, OCI_MANIFEST)
MANIFEST_TYPES = IMAGE_MANIFEST_TYPES + INDEX_TYPES

# Short names used in test ids and messages.
SHORT_NAMES = {
    DOCKER_MANIFEST: "docker-manifest",
    DOCKER_MANIFEST_LIST: "docker-manifest-list",
    OCI_MANIFEST: "oci-manifest",
    OCI_INDEX: "oci-index",
}


def accept_header(media_types: tuple[str, ...] = MANIFEST_TYPES) -> str:
    """Return an Accept header value listing the media types, as dockerd sends it."""
    return ", ".join(media_types)


def bare_media_type(content_type: str | None) -> str:
    """Return the media type of a Content-Type value without its parameters."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()
