"""Comparing daemon.json with a daemon's `docker info`."""

from __future__ import annotations

import docker
import pytest

from mirrorcheck.config.in_force import NOT_RESTARTED, compare_with_info, not_in_force_message

# The shape of docker-py's client.info() for the keys compared; values as dockerd reports them.
RUNNING = {
    "ServerVersion": "20.10.24+dfsg1",
    "LiveRestoreEnabled": True,
    "LoggingDriver": "json-file",
    "Driver": "overlay2",
    "Debug": False,
    "RegistryConfig": {
        "Mirrors": ["https://mirror.gcr.io/", "http://localhost:5000/"],
        "InsecureRegistryCIDRs": ["127.0.0.0/8"],
        "IndexConfigs": {"docker.io": {"Secure": True}, "registry.local:5000": {"Secure": False}},
    },
}


def test_matching_file_has_no_mismatch():
    document = {"registry-mirrors": ["https://mirror.gcr.io", "http://localhost:5000/"],
                "insecure-registries": ["registry.local:5000"], "live-restore": True,
                "storage-driver": "overlay2"}

    assert compare_with_info(document, RUNNING) == []


def test_changed_mirrors_name_the_restart():
    document = {"registry-mirrors": ["https://cache.internal.example"], "live-restore": True}

    mismatches = compare_with_info(document, RUNNING)
    message = not_in_force_message(mismatches)

    assert [mismatch.key for mismatch in mismatches] == ["registry-mirrors"]
    assert message.startswith(NOT_RESTARTED)
    assert "https://cache.internal.example/" in message
    assert "kill -HUP" in message


def test_mirror_order_matters():
    document = {"registry-mirrors": ["http://localhost:5000", "https://mirror.gcr.io"],
                "live-restore": True}

    assert [m.key for m in compare_with_info(document, RUNNING)] == ["registry-mirrors"]


def test_storage_driver_change_needs_restart():
    document = {"registry-mirrors": ["https://mirror.gcr.io", "http://localhost:5000"],
                "live-restore": True, "storage-driver": "vfs"}

    message = not_in_force_message(compare_with_info(document, RUNNING))

    assert "systemctl restart docker" in message


def test_credentials_hidden_in_message():
    document = {"registry-mirrors": ["https://alice-user:s3cr3t-pw@mirror.example"]}

    message = not_in_force_message(compare_with_info(document, RUNNING))

    assert "s3cr3t-pw" not in message
    assert "alice-user" not in message


def test_host_engine_info_compares_without_error():
    try:
        info = docker.from_env().info()
    except docker.errors.DockerException as error:
        pytest.skip(f"no Docker engine at DOCKER_HOST or /var/run/docker.sock: {error}")

    mismatches = compare_with_info({"registry-mirrors": ["https://not-configured.example"]}, info)

    assert "registry-mirrors" in [mismatch.key for mismatch in mismatches]
