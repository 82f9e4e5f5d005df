"""Provisioning: a Docker engine that answers and a registry:2 image for the lab."""

from __future__ import annotations

import docker

from mirrorcheck.provision.engine import ensure_engine
from mirrorcheck.provision.registry_image import ensure_registry_image


def provision(registry_image: str) -> str:
    """Make the engine answer and return the tag of the lab's registry image."""
    ensure_engine()
    client = docker.from_env()
    try:
        return ensure_registry_image(client, registry_image)
    finally:
        client.close()
