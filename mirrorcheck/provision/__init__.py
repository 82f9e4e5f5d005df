"""Provisioning: a Docker engine that responds and a registry:2 image for the lab."""

from __future__ import annotations

import docker

from mirrorcheck.provision.engine import ensure_engine
from mirrorcheck.provision.registry_image import ensure_registry_image


def provision(registry_image: str, test_tools: bool = False) -> str:
    """Make the engine respond and return the tag of the lab's registry image."""
    ensure_engine(test_tools)
    client = docker.from_env()
    try:
        return ensure_registry_image(client, registry_image)
    finally:
        client.close()
