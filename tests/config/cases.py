"""Malformed and risky daemon.json inputs with their expected findings on dockerd 20.10.24.

`dockerd_20_10_24_starts` records what the real dockerd 20.10.24 (Debian 20.10.24+dfsg1) did
with the text when the lab's engine trial started it: True started, False refused, None not
tried because the case breaks no start-up rule of its own. The engine agreement test checks
the rules against the live engine and this column against both.
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE_VERSION = "20.10.24"

# Warnings that nearly every small sample also triggers; cases list them only when they are
# the point of the case.
BACKGROUND_RULES = frozenset({"log-rotation-missing", "live-restore-off", "single-mirror",
                              "no-mirror"})


@dataclass(frozen=True)
class Case:
    """One input, the rule ids it must raise (errors and warnings), and the engine's verdict."""

    name: str
    text: str
    errors: frozenset[str] = frozenset()
    warnings: frozenset[str] = frozenset()
    dockerd_20_10_24_starts: bool | None = None

    @property
    def engine_rule_case(self) -> bool:
        return self.dockerd_20_10_24_starts is not None


def case(name: str, text: str, errors: str = "", warnings: str = "",
         starts: bool | None = None) -> Case:
    return Case(name, text, frozenset(errors.split()), frozenset(warnings.split()), starts)


GOOD = '"registry-mirrors": ["https://cache.internal.example", "https://mirror.gcr.io"]'

CASES = (
    # Syntax faults.
    case("empty file", "", errors="syntax", starts=False),
    case("blank file", "  \n", errors="syntax", starts=False),
    case("byte order mark", "\ufeff{" + GOOD + "}", errors="syntax", starts=False),
    case("line comment", "{\n  // mirrors\n  " + GOOD + "\n}", errors="syntax", starts=False),
    case("block comment", "{ /* mirrors */ " + GOOD + "}", errors="syntax", starts=False),
    case("trailing comma in object", "{" + GOOD + ",}", errors="syntax", starts=False),
    case("trailing comma in array",
         '{"registry-mirrors": ["https://mirror.gcr.io",]}', errors="syntax", starts=False),
    case("typographic quotes", "{\u201cregistry-mirrors\u201d: []}", errors="syntax",
         starts=False),
    case("single quotes", "{'registry-mirrors': []}", errors="syntax", starts=False),
    case("unquoted key", "{registry-mirrors: []}", errors="syntax", starts=False),
    case("truncated object", '{"registry-mirrors": ["https://mirror.gcr.io"]', errors="syntax",
         starts=False),
    case("array at top level", '["https://mirror.gcr.io"]', errors="syntax", starts=False),
    case("text after the object", "{" + GOOD + "} # note", warnings="trailing-data",
         starts=True),
    case("array then more text after whitespace", ' ["https://mirror.gcr.io"] 2',
         errors="syntax", warnings="trailing-data", starts=False),

    # Engine rules: mirrors.
    case("mirror without scheme", '{"registry-mirrors": ["mirror.example.com"]}',
         errors="mirror-scheme", starts=False),
    case("mirror host and port without scheme",
         '{"registry-mirrors": ["mirror.example.com:5000"]}', errors="mirror-scheme",
         starts=False),
    case("mirror with ftp scheme", '{"registry-mirrors": ["ftp://mirror.example.com"]}',
         errors="mirror-scheme", starts=False),
    case("mirror IP and port without scheme", '{"registry-mirrors": ["10.0.0.1:5000"]}',
         errors="mirror-invalid-uri", starts=False),
    case("mirror with path", '{"registry-mirrors": ["https://mirror.example.com/v2"]}',
         errors="mirror-path", starts=False),
    case("mirror with query", '{"registry-mirrors": ["https://mirror.example.com?x=1"]}',
         errors="mirror-path", starts=False),
    case("mirror with fragment", '{"registry-mirrors": ["https://mirror.example.com#top"]}',
         errors="mirror-path", starts=False),
    case("mirror with credentials",
         '{"registry-mirrors": ["https://alice:s3cr3t-pass@mirror.example.com"]}',
         errors="mirror-credentials", starts=False),
    case("mirror with trailing slash accepted",
         '{"registry-mirrors": ["https://mirror.example.com/", "https://mirror.gcr.io"]}',
         starts=True),
    case("mirror upper-case scheme accepted",
         '{"registry-mirrors": ["HTTPS://mirror.example.com", "https://mirror.gcr.io"]}',
         starts=True),

    # Engine rules: keys and types.
    case("unknown key", '{' + GOOD + ', "registry-mirror-list": []}', errors="unknown-key",
         starts=False),
    case("key in wrong case", '{"Registry-Mirrors": ["https://mirror.gcr.io"]}',
         errors="unknown-key", starts=False),
    case("unknown key inside an object", '{' + GOOD + ', "proxies": {"http-proxy": "x"}}',
         errors="unknown-key", starts=False),
    case("mirrors as a string", '{"registry-mirrors": "https://mirror.gcr.io"}',
         errors="value-type", starts=False),
    case("live-restore as a string", '{' + GOOD + ', "live-restore": "true"}',
         errors="value-type", starts=False),
    case("downloads as a string", '{' + GOOD + ', "max-concurrent-downloads": "10"}',
         errors="value-type", starts=False),
    case("log-opts number value", '{' + GOOD + ', "log-opts": {"max-size": "10m", "max-file": 3}}',
         errors="value-type", starts=False),

    # Engine rules: log options and ranges.
    case("json-file unknown log opt", '{' + GOOD + ', "log-opts": {"max-size": "10m", "max-files": "3"}}',
         errors="log-opts-unknown", starts=False),
    case("local driver unknown log opt",
         '{' + GOOD + ', "log-driver": "local", "log-opts": {"tag": "x"}}',
         errors="log-opts-unknown", starts=False),
    case("unknown log driver", '{' + GOOD + ', "log-driver": "jsonfile"}',
         errors="log-driver-unknown", starts=True),
    case("negative downloads", '{' + GOOD + ', "max-concurrent-downloads": -1}',
         errors="max-concurrent-range", starts=False),
    case("negative uploads", '{' + GOOD + ', "max-concurrent-uploads": -2}',
         errors="max-concurrent-range", starts=False),
    case("zero downloads", '{' + GOOD + ', "max-concurrent-downloads": 0}',
         warnings="max-concurrent-zero", starts=True),

    # Engine rules: insecure registries.
    case("insecure registry with other scheme", '{' + GOOD + ', "insecure-registries": ["tcp://registry.local:5000"]}',
         errors="insecure-registry-form", starts=False),
    case("insecure registry with path", '{' + GOOD + ', "insecure-registries": ["registry.local:5000/v2"]}',
         errors="insecure-registry-form", starts=False),
    case("insecure registry port out of range", '{' + GOOD + ', "insecure-registries": ["registry.local:70000"]}',
         errors="insecure-registry-form", starts=False),
    case("insecure registry hyphen", '{' + GOOD + ', "insecure-registries": ["-registry.local"]}',
         errors="insecure-registry-form", starts=False),
    case("insecure registry CIDR and host accepted",
         '{' + GOOD + ', "insecure-registries": ["10.0.0.0/8", "registry.local:5000", "[::1]:5000"]}',
         starts=True),

    # Good practice.
    case("docker hub as mirror", '{"registry-mirrors": ["https://mirror.gcr.io", "https://index.docker.io"]}',
         errors="docker-hub-mirror"),
    case("duplicate after normalisation",
         '{"registry-mirrors": ["https://Mirror.Example.com:443", "https://mirror.example.com", "https://mirror.gcr.io"]}',
         errors="duplicate-mirror"),
    case("exact duplicate merged by dockerd",
         '{"registry-mirrors": ["https://mirror.gcr.io", "https://mirror.gcr.io/", "https://cache.internal.example"]}',
         warnings="duplicate-mirror"),
    case("retired public mirror",
         '{"registry-mirrors": ["https://docker.mirrors.sjtug.sjtu.edu.cn", "https://mirror.gcr.io"]}',
         errors="public-mirror-retired"),
    case("plain http off loopback",
         '{"registry-mirrors": ["http://cache.internal.example:5000", "https://mirror.gcr.io"]}',
         warnings="plain-http-mirror"),
    case("plain http on loopback is fine",
         '{"registry-mirrors": ["http://127.0.0.1:5000", "https://mirror.gcr.io"]}'),
    case("json-file without rotation", '{' + GOOD + '}', warnings="log-rotation-missing"),
    case("local driver rotation off", '{' + GOOD + ', "log-driver": "local", "log-opts": {"max-size": "-1"}}',
         warnings="log-rotation-missing"),
    case("bad max-size value", '{' + GOOD + ', "log-opts": {"max-size": "ten megs"}}',
         errors="log-opts-value"),
    case("live-restore off", '{' + GOOD + ', "live-restore": false}', warnings="live-restore-off"),
    case("single mirror", '{"registry-mirrors": ["https://mirror.gcr.io"]}',
         warnings="single-mirror"),
    case("no mirror", '{"live-restore": true}', warnings="no-mirror"),
    case("mirror without host", '{"registry-mirrors": ["https://", "https://mirror.gcr.io"]}',
         errors="mirror-host-missing"),
)
