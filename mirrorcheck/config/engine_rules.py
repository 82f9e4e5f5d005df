"""Rules dockerd applies to daemon.json at start-up: a broken one stops the daemon.

Each check returns findings whose `dockerd_output` is the text dockerd prints, as read in
moby's registry/config.go, daemon/config/config.go and the log drivers' option validators.
Version-dependent rules take the target engine's version.
"""

from __future__ import annotations

import difflib
import ipaddress
import re

from mirrorcheck.config.dockerd_keys import compared_keys, known_keys
from mirrorcheck.config.engine_version import EngineVersion
from mirrorcheck.config.findings import Finding, Severity
from mirrorcheck.config.go_json import GO_TYPES, type_mismatch
from mirrorcheck.config.mirror_url import GoUrlError, parse_go_url
from mirrorcheck.config.redaction import redact

# Log options every driver accepts, checked by dockerd before the driver's own list.
COMMON_LOG_OPTS = frozenset({"mode", "max-buffer-size"})
JSON_FILE_LOG_OPTS = frozenset(
    {"max-file", "max-size", "compress", "labels", "labels-regex", "env", "env-regex", "tag"}
)
LOCAL_LOG_OPTS = frozenset({"max-file", "max-size", "compress"})
BUILTIN_LOG_DRIVERS = frozenset(
    {"json-file", "local", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk",
     "etwlogs", "gcplogs", "logentries", "none"}
)

# A registry host name with an optional port, as distribution's reference.DomainRegexp.
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST_PORT = re.compile(rf"^{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?$")


def _engine_error(rule: str, message: str, fix: str, entry: str | None, output: str) -> Finding:
    return Finding(Severity.ERROR, rule, redact(message), redact(fix),
                   redact(entry) if entry is not None else None, redact(output))


def mirror_path_allowed(version: EngineVersion) -> bool:
    """Return whether dockerd accepts a path after the mirror's host (24.0.8 and later)."""
    return version.at_least(24, 0, 8)


def _scheme_hint(version: EngineVersion) -> str:
    # NOTE: the "must use either" suffix and the no-scheme message are read from moby's
    # master branch; the first release that prints them is assumed to be 25.0.
    return ": must use either 'https://' or 'http://'" if version.at_least(25) else ""


def _check_mirror(entry: str, version: EngineVersion) -> list[Finding]:
    shown = redact(entry)
    scheme_fix = (f'write the mirror with its scheme, e.g. "https://{shown.split("://")[-1]}", '
                  'or "http://..." only for a plain-HTTP cache on this host')

    scheme, separator, _ = entry.partition("://")
    if version.at_least(25) and not (scheme and separator):
        output = f'invalid mirror: no scheme specified for "{shown}"'
        return [_engine_error("mirror-scheme", output + _scheme_hint(version) + ".",
                              scheme_fix, entry, output)]
    try:
        url = parse_go_url(entry)
    except GoUrlError as error:
        output = f'invalid mirror: "{shown}" is not a valid URI'
        return [_engine_error("mirror-invalid-uri", f"{output} ({error}).",
                              "write the mirror as https://HOST[:PORT]", entry, output)]

    if url.scheme not in ("http", "https"):
        output = f'invalid mirror: unsupported scheme "{url.scheme}" in "{shown}"'
        return [_engine_error("mirror-scheme", output + _scheme_hint(version) + ".",
                              scheme_fix, entry, output)]

    findings: list[Finding] = []
    has_path = url.path not in ("", "/")
    if not mirror_path_allowed(version) and (has_path or url.query or url.fragment):
        output = "invalid mirror: path, query, or fragment at end of the URI"
        findings.append(_engine_error(
            "mirror-path", f'{output} "{shown}" (dockerd {version} accepts no path; 24.0.8 '
            "and later accept one).",
            "remove everything after the host and port, or upgrade dockerd to 24.0.8 or later "
            "when the mirror really serves /v2/ below a path", entry, output))
    elif url.query or url.fragment:
        output = "invalid mirror: query or fragment at end of the URI"
        findings.append(_engine_error("mirror-query-fragment", f'{output} "{shown}".',
                                      'remove everything from the "?" or "#"', entry, output))

    if url.userinfo is not None:
        output = "invalid mirror: username/password not allowed in URI"
        findings.append(_engine_error(
            "mirror-credentials", f'{output} "{shown}".',
            "remove the credentials from the URL and give them to the mirror itself (its "
            "upstream login), because dockerd accepts none in registry-mirrors", entry, output))
    return findings


def check_mirror_urls(document: dict, version: EngineVersion) -> list[Finding]:
    """Check each registry-mirrors entry as dockerd's ValidateMirror does."""
    mirrors = document.get("registry-mirrors")
    if not isinstance(mirrors, list):
        return []
    findings: list[Finding] = []
    for entry in mirrors:
        if isinstance(entry, str):
            findings.extend(_check_mirror(entry, version))
    return findings


def check_known_keys(document: dict, version: EngineVersion) -> list[Finding]:
    """Check that every key dockerd compares matches one of its options."""
    accepted = known_keys(version)
    unknown = [key for key in compared_keys(document) if key not in accepted]
    if not unknown:
        return []

    output = "the following directives don't match any configuration option"
    suggestions = []
    for key in unknown:
        close = difflib.get_close_matches(key, sorted(accepted), n=1)
        if close:
            suggestions.append(f'"{key}" may be "{close[0]}"')
    hint = f" ({'; '.join(suggestions)})" if suggestions else ""
    return [_engine_error(
        "unknown-key", f"{output}: {', '.join(unknown)}{hint}.",
        f"remove or rename these keys; dockerd {version} accepts: {', '.join(sorted(accepted))}",
        ", ".join(unknown), output)]


def check_value_types(document: dict, version: EngineVersion) -> list[Finding]:
    """Check that the value of each checked key decodes into dockerd's Go type."""
    findings: list[Finding] = []
    for key, go_type in GO_TYPES.items():
        if key not in document:
            continue
        mismatch = type_mismatch(document[key], go_type)
        if mismatch is None:
            continue
        element_type = _decoded_type(document[key], go_type)
        output = f"json: cannot unmarshal {mismatch.split()[0]} into Go"
        findings.append(_engine_error(
            "value-type",
            f'"{key}" contains a JSON {mismatch}, but dockerd decodes it as Go {go_type}; dockerd '
            f"prints: json: cannot unmarshal {mismatch} into Go struct field Config.{key} "
            f"of type {element_type}.",
            _type_fix(key, go_type), key, output))
    return findings


def _decoded_type(value: object, go_type: str) -> str:
    # Go names the element type when the container matched but one element did not.
    if go_type.startswith("[]") and isinstance(value, list):
        return go_type[2:]
    if go_type.startswith("map[string]") and isinstance(value, dict):
        return go_type[len("map[string]"):]
    return go_type


def _type_fix(key: str, go_type: str) -> str:
    examples = {
        "[]string": f'give a list of strings, e.g. "{key}": ["..."]',
        "map[string]string": f'quote every value, e.g. "{key}": {{"max-size": "10m", "max-file": "3"}}',
        "int": f'give a whole number without quotes, e.g. "{key}": 3',
        "bool": f'give true or false without quotes, e.g. "{key}": true',
        "string": f'give a quoted string, e.g. "{key}": "..."',
    }
    return examples[go_type]


def check_log_opts(document: dict, version: EngineVersion) -> list[Finding]:
    """Check that the json-file or local log driver accepts each log-opts key."""
    driver = document.get("log-driver") or "json-file"
    options = document.get("log-opts")
    if not isinstance(driver, str):
        return []

    if driver not in builtin_log_drivers(version):
        # dockerd 20.10.24 starts with an unknown driver; see practice_rules.
        return []

    if not isinstance(options, dict):
        return []
    allowed = {"json-file": JSON_FILE_LOG_OPTS, "local": LOCAL_LOG_OPTS}.get(driver)
    if allowed is None:
        # NOTE: the options of the other drivers are not checked here.
        return []
    # NOTE: newer releases also let the local driver take labels, env and tag. The first such
    # release is assumed to be 25.0, which no engine here has confirmed.
    if driver == "local" and version.at_least(25):
        allowed = allowed | {"labels", "labels-regex", "env", "env-regex", "tag"}

    findings: list[Finding] = []
    for key in options:
        if key in COMMON_LOG_OPTS or key in allowed:
            continue
        output = (f"unknown log opt '{key}' for json-file log driver" if driver == "json-file"
                  else f"unknown log opt '{key}' for log driver {driver}")
        findings.append(_engine_error(
            "log-opts-unknown", f"{output}.",
            f"remove \"{key}\" or use one of {', '.join(sorted(allowed | COMMON_LOG_OPTS))}",
            f"log-opts.{key}", output))
    return findings


def builtin_log_drivers(version: EngineVersion) -> frozenset[str]:
    """Return the log drivers built into dockerd of this version (logentries left in 25.0)."""
    return BUILTIN_LOG_DRIVERS - ({"logentries"} if version.at_least(25) else set())


def check_max_concurrent(document: dict, version: EngineVersion) -> list[Finding]:
    """Check max-concurrent-downloads and -uploads: dockerd rejects a negative value."""
    findings: list[Finding] = []
    for key, noun in (("max-concurrent-downloads", "downloads"),
                      ("max-concurrent-uploads", "uploads")):
        value = document.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            output = f"invalid max concurrent {noun}: {value}"
            findings.append(_engine_error(
                "max-concurrent-range", f"{output} (the value must be 0 or more).",
                f'set "{key}" to a positive number (the default is '
                f"{3 if noun == 'downloads' else 5}) or remove it", key, output))
    return findings


def _insecure_registry_error(entry: str) -> tuple[str, str] | None:
    name = "docker.io" if entry == "index.docker.io" else entry
    if name.startswith("-") or name.endswith("-"):
        return ("invalid index name", f"invalid index name ({name}). Cannot begin or end "
                                      "with a hyphen")
    lowered = name.lower()
    for prefix in ("http://", "https://"):
        if lowered.startswith(prefix):
            name = name[len(prefix):]
            break
    else:
        if "://" in name:
            return ("should not contain '://'",
                    f"insecure registry {entry} should not contain '://'")
    try:
        ipaddress.ip_network(name, strict=False)
        if "/" in name:
            return None
    except ValueError:
        pass
    host, port = _split_host_port(name)
    if not _HOST_PORT.match(name) and not _is_ip(host):
        return ("is not valid", f'insecure registry {entry} is not valid: invalid host "{host}"')
    if port and (not port.isdigit() or int(port) > 65535):
        return ("is not valid", f'insecure registry {entry} is not valid: invalid port "{port}"')
    return None


def _split_host_port(name: str) -> tuple[str, str]:
    if name.startswith("[") and "]:" in name:
        host, _, port = name[1:].partition("]:")
        return host, port
    if name.count(":") == 1:
        host, _, port = name.partition(":")
        return host, port
    return name, ""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_insecure_registries(document: dict, version: EngineVersion) -> list[Finding]:
    """Check each insecure-registries entry: a CIDR, or host[:port] without a scheme."""
    entries = document.get("insecure-registries")
    if not isinstance(entries, list):
        return []
    findings: list[Finding] = []
    for entry in entries:
        if not isinstance(entry, str):
            continue
        error = _insecure_registry_error(entry)
        if error is None:
            continue
        output_key, message = error
        findings.append(_engine_error(
            "insecure-registry-form", f"{message}.",
            'give a host with optional port ("registry.local:5000") or a CIDR '
            '("10.0.0.0/8"), without scheme or path', entry, output_key))
    return findings


ENGINE_CHECKS = (
    check_known_keys,
    check_value_types,
    check_mirror_urls,
    check_insecure_registries,
    check_max_concurrent,
    check_log_opts,
)
