"""Choosing the lab's registry:2 image: the configured one, a local build, or a pull.

Order: the configured image when the engine already has it. Else, when Debian's
docker-registry binary is installed, a FROM scratch image built from it under
LOCAL_REPOSITORY. Else a pull of the configured image. The built image contains the binary,
the libraries `ldd` lists, the CA bundle, /bin/sleep (the lab's namespace holders run it) and
a default config.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import docker
import docker.errors

from mirrorcheck.errors import MirrorcheckError

log = logging.getLogger(__name__)

REGISTRY_BINARY = Path("/usr/bin/docker-registry")
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SLEEP_BINARY = Path("/bin/sleep")
LOCAL_REPOSITORY = "mirrorcheck/registry"
BINARY_DIGEST_LABEL = "io.mirrorcheck.registry-binary-sha256"

DEFAULT_CONFIG = """\
version: 0.1
log:
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
"""

DOCKERFILE = """\
FROM scratch
COPY rootfs/ /
EXPOSE 5000
ENTRYPOINT ["/usr/bin/docker-registry", "serve"]
CMD ["/etc/docker/registry/config.yml"]
"""


class RegistryImageError(MirrorcheckError):
    """No registry image is present, buildable or pullable."""


def binary_version(binary: Path = REGISTRY_BINARY) -> str:
    """Return the distribution version of the registry binary, e.g. '2.8.2'."""
    output = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\b(\d+\.\d+\.\d+)", output)
    return match.group(1) if match else "unknown"


def shared_libraries(binary: Path) -> list[Path]:
    """Return the absolute paths of the shared libraries and loader that ldd lists for binary."""
    output = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False).stdout
    libraries = []
    for line in output.splitlines():
        for token in line.split():
            if token.startswith("/") and Path(token).exists():
                libraries.append(Path(token))
    return libraries


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_file(archive: tarfile.TarFile, source: Path, target: str) -> None:
    # Resolve symbolic links: the image has no filesystem of its own to link into.
    info = archive.gettarinfo(str(source.resolve()), arcname=f"rootfs{target}")
    with source.resolve().open("rb") as stream:
        archive.addfile(info, stream)


def _add_text(archive: tarfile.TarFile, text: str, arcname: str) -> None:
    data = text.encode()
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def build_context(binary: Path = REGISTRY_BINARY) -> io.BytesIO:
    """Return a tar build context for the FROM scratch registry image."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _add_text(archive, DOCKERFILE, "Dockerfile")
        _add_file(archive, binary, "/usr/bin/docker-registry")
        for library in shared_libraries(binary) + shared_libraries(SLEEP_BINARY):
            _add_file(archive, library, str(library))
        _add_file(archive, SLEEP_BINARY, "/bin/sleep")
        _add_file(archive, CA_BUNDLE, "/etc/ssl/certs/ca-certificates.crt")
        _add_text(archive, DEFAULT_CONFIG, "rootfs/etc/docker/registry/config.yml")
    buffer.seek(0)
    return buffer


def build_local_image(client: docker.DockerClient, binary: Path = REGISTRY_BINARY) -> str:
    """Build (or reuse) the FROM scratch image for this exact binary and return its tag."""
    tag = f"{LOCAL_REPOSITORY}:{binary_version(binary)}"
    binary_digest = _sha256_of(binary)
    try:
        existing = client.images.get(tag)
        if existing.labels.get(BINARY_DIGEST_LABEL) == binary_digest:
            return tag
    except docker.errors.ImageNotFound:
        pass

    log.info("building %s from %s", tag, binary)
    client.images.build(
        fileobj=build_context(binary), custom_context=True, tag=tag, rm=True,
        labels={BINARY_DIGEST_LABEL: binary_digest}, pull=False,
    )
    return tag


def ensure_registry_image(client: docker.DockerClient, configured: str) -> str:
    """Return a local registry image tag, building or pulling it when needed."""
    try:
        client.images.get(configured)
        return configured
    except docker.errors.ImageNotFound:
        pass

    if REGISTRY_BINARY.exists() and shutil.which("ldd"):
        return build_local_image(client)

    log.info("pulling %s", configured)
    try:
        client.images.pull(configured)
    except docker.errors.APIError as error:
        raise RegistryImageError(
            f"registry image {configured!r} is not present, cannot be pulled ({error.explanation}), "
            f"and {REGISTRY_BINARY} is not installed to build one; install Debian's "
            "docker-registry package or load the image with 'docker load'"
        ) from None
    return configured
