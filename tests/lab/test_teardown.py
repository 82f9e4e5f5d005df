"""Nothing the lab creates outlives it: not after close(), not after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mirrorcheck.lab.run import NETNS_ROOT, RUN_LABEL, RUNS_ROOT, sweep
from mirrorcheck.options import FIXTURES, PROJECT_ROOT

pytestmark = pytest.mark.lab

HELPER = Path(__file__).with_name("lab_then_sleep.py")


def leftovers(client, run_id: str, lab_directory: Path | None = None) -> list[str]:
    """Return a description of everything of run_id (or of one lab directory) still present."""
    label = f"{RUN_LABEL}={run_id}"
    prefix = lab_directory.name[-4:] if lab_directory else ""
    found = [f"container {c.name}" for c in client.containers.list(all=True, filters={"label": label})
             if prefix in c.name]
    found += [f"network {n.name}" for n in client.networks.list(filters={"label": label})
              if prefix in n.name]
    found += [f"netns {p.name}" for p in NETNS_ROOT.glob(f"{run_id}*") if prefix in p.name]
    directory = lab_directory or RUNS_ROOT / run_id
    if directory.exists():
        found.append(f"directory {directory}")
    for process in Path("/proc").glob("[0-9]*"):
        try:
            command_line = (process / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(directory) in command_line and "dockerd" in command_line:
            found.append(f"process {process.name}: {command_line[:80]}")
    return found


def test_close_leaves_nothing(lab_factory, lab_engine):
    client, _ = lab_engine
    lab = lab_factory(FIXTURES / "daemon-json" / "private-cache.json")
    assert leftovers(client, lab.run.id, lab.directory), "the lab did not start"

    lab.close()

    assert leftovers(client, lab.run.id, lab.directory) == []


def test_sigkill_leftovers_are_swept(lab_engine):
    client, image = lab_engine
    child = subprocess.Popen(
        [sys.executable, str(HELPER), str(FIXTURES / "daemon-json" / "recommended.json"), image],
        stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
    )
    line = child.stdout.readline().split()
    assert line and line[0] == "READY", f"the lab in the child did not start: {line}"
    run_id = line[1]
    assert leftovers(client, run_id)

    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert leftovers(client, run_id), "SIGKILL should leave the lab behind for the sweep"
    swept = sweep(client)

    assert run_id in swept
    assert leftovers(client, run_id) == []
