"""Asking the real dockerd whether it accepts a daemon.json: start it, record, stop it.

The trial daemon runs in a new, empty network namespace, so whatever the file sets, it cannot
reach any network.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mirrorcheck.errors import LabError
from mirrorcheck.lab.dockerd import DaemonLayout, DaemonProcess, engine_version, split_lab_owned
from mirrorcheck.lab.run import current_run

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineVerdict:
    """The real dockerd's verdict on a daemon.json: whether it started, and its output."""

    started: bool
    output: str
    version: str


def _trial_text(daemon_json_text: str) -> str:
    # Keys that the trial sets as flags would make dockerd reject the file for a reason that
    # is the trial's, not the file's, so they are dropped. Text that does not parse goes in
    # unchanged.
    try:
        config = json.loads(daemon_json_text)
    except ValueError:
        return daemon_json_text
    if not isinstance(config, dict):
        return daemon_json_text
    kept, dropped = split_lab_owned(config)
    return json.dumps(kept) if dropped else daemon_json_text


def try_start(daemon_json_text: str, timeout: float = 30.0) -> EngineVerdict:
    """Start the host's dockerd with the given daemon.json text and report whether it started."""
    root = Path(tempfile.mkdtemp(prefix="trial-", dir=current_run().directory))
    daemon = DaemonProcess(DaemonLayout(root=root, config_text=_trial_text(daemon_json_text)))
    try:
        try:
            daemon.start(timeout)
            started = True
        except LabError:
            started = False
        output = daemon.output()
        return EngineVerdict(started=started, output=output, version=engine_version())
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)
