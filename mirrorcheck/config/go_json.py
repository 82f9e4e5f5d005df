"""Type checks of daemon.json values as Go's encoding/json decodes them into dockerd's fields."""

from __future__ import annotations

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Go types of the daemon.json keys this suite checks, as declared in dockerd's Config struct.
GO_TYPES = {
    "registry-mirrors": "[]string",
    "insecure-registries": "[]string",
    "allow-nondistributable-artifacts": "[]string",
    "labels": "[]string",
    "dns": "[]string",
    "hosts": "[]string",
    "log-opts": "map[string]string",
    "log-driver": "string",
    "log-level": "string",
    "storage-driver": "string",
    "data-root": "string",
    "max-concurrent-downloads": "int",
    "max-concurrent-uploads": "int",
    "live-restore": "bool",
    "debug": "bool",
    "experimental": "bool",
}


def json_kind(value: object, literal: bool = False) -> str:
    """Return the JSON kind as Go's UnmarshalTypeError names it ("string", "number", ...).

    With literal=True a non-integer number is named with its value, as Go does for numbers
    that do not fit the target ("number 3.5").
    """
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return f"number {value}" if literal and not isinstance(value, int) else "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _scalar_mismatch(value: object, go_type: str) -> str | None:
    if value is None:
        return None
    if go_type == "string":
        return None if isinstance(value, str) else json_kind(value)
    if go_type == "bool":
        return None if isinstance(value, bool) else json_kind(value)
    if go_type == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return json_kind(value)
        if isinstance(value, float) or not INT64_MIN <= value <= INT64_MAX:
            return f"number {value}"
        return None
    return None


def type_mismatch(value: object, go_type: str) -> str | None:
    """Return the JSON kind Go cannot decode into go_type, or None when it decodes.

    JSON null decodes into every type and leaves the default, as in Go.
    """
    if value is None:
        return None
    if go_type.startswith("[]"):
        if not isinstance(value, list):
            return json_kind(value)
        for item in value:
            mismatch = _scalar_mismatch(item, go_type[2:])
            if mismatch:
                return mismatch
        return None
    if go_type.startswith("map[string]"):
        if not isinstance(value, dict):
            return json_kind(value)
        for item in value.values():
            mismatch = _scalar_mismatch(item, go_type[len("map[string]"):])
            if mismatch:
                return mismatch
        return None
    return _scalar_mismatch(value, go_type)
