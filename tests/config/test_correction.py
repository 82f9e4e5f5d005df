"""The corrected daemon.json is valid, minimal and free of the errors it fixes."""

from __future__ import annotations

import json

from mirrorcheck.config.correction import correct
from mirrorcheck.config.engine_version import parse_engine_version
from mirrorcheck.config.evaluation import evaluate
from mirrorcheck.config.findings import errors_of
from mirrorcheck.options import FIXTURES

VERSION = parse_engine_version("20.10.24")


def _correct(text: str):
    return correct(text, json.loads(text), VERSION)


def test_current_drops_docker_hub_and_keeps_layout():
    text = (FIXTURES / "daemon-json" / "current.json").read_text()

    corrected = _correct(text)

    assert json.loads(corrected.text)["registry-mirrors"] == ["https://mirror.gcr.io"]
    assert "-{\"registry-mirrors\"" in corrected.diff
    assert errors_of(evaluate(corrected.text, VERSION)) == []


def test_multiline_file_changes_only_affected_lines():
    text = (FIXTURES / "daemon-json" / "multiple-public.json").read_text()

    corrected = _correct(text)
    removed = [line for line in corrected.diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]

    assert removed == ['-    "https://mirror.gcr.io",', '-    "https://dockerhub.azk8s.cn",',
                       '-    "https://docker.mirrors.ustc.edu.cn"', '-  "log-level": "warn"']
    assert '  "max-concurrent-downloads": 10,' in corrected.text


def test_recommended_needs_no_change():
    text = (FIXTURES / "daemon-json" / "recommended.json").read_text()

    assert not _correct(text).changed


def test_engine_errors_are_fixed():
    text = ('{"registry-mirrors": ["mirror.example.com", "https://alice-user:pw-secret@m.example/v2"],'
            ' "bogus-key": 1, "max-concurrent-uploads": -1}')

    corrected = _correct(text)
    document = json.loads(corrected.text)

    assert document["registry-mirrors"] == ["https://mirror.example.com", "https://m.example"]
    assert "bogus-key" not in document
    assert "max-concurrent-uploads" not in document
    assert errors_of(evaluate(corrected.text, VERSION)) == []
    assert "pw-secret" not in corrected.diff
