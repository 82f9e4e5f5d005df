"""The run: one id per process that names and labels everything the lab creates.

Each run keeps an exclusive flock on `<run dir>/lock` for as long as its process lives. When
no process has the lock of a run directory, its process is gone (killed or crashed). The next
run then sweeps what it left: containers and networks labelled with its id, its daemons, its
named network namespaces, and the directory itself.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from mirrorcheck.lab.dockerd import stop_process_group

log = logging.getLogger(__name__)

RUNS_ROOT = Path("/run/mirrorcheck")
RUN_LABEL = "io.mirrorcheck.run"
NAME_PREFIX = "mc-"
NETNS_ROOT = Path("/run/netns")


@dataclass
class Run:
    """This process's run: its id, directory and held lock."""

    id: str
    directory: Path
    lock_file: object

    @property
    def labels(self) -> dict[str, str]:
        return {RUN_LABEL: self.id}


_current: Run | None = None


def current_run() -> Run:
    """Return this process's run, creating its directory and taking its lock on first use."""
    global _current
    if _current is None:
        _current = _new_run()
    return _current


def _new_run() -> Run:
    run_id = NAME_PREFIX + secrets.token_hex(4)
    directory = RUNS_ROOT / run_id
    directory.mkdir(parents=True, exist_ok=False)
    lock_file = (directory / "lock").open("w")
    fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    lock_file.write(str(os.getpid()))
    lock_file.flush()
    # By the time the interpreter exits, fixtures and context managers have removed the labs.
    atexit.register(shutil.rmtree, directory, True)
    log.info("run %s in %s", run_id, directory)
    return Run(id=run_id, directory=directory, lock_file=lock_file)


def run_id_of(name: str) -> str:
    """Return the run id that starts a lab resource name ("mc-1a2b3c4d-0042-dut")."""
    return "-".join(name.split("-")[:2])


def run_is_alive(directory: Path) -> bool:
    """Return whether some process still holds the lock of the run in directory."""
    try:
        with (directory / "lock").open("r") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock_file, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


def dead_run_ids(client: docker.DockerClient) -> set[str]:
    """Return the ids of runs whose process is gone, from run directories and engine labels."""
    candidates = set()
    if RUNS_ROOT.exists():
        candidates |= {p.name for p in RUNS_ROOT.iterdir() if p.name.startswith(NAME_PREFIX)}
    for container in client.containers.list(all=True, filters={"label": RUN_LABEL}):
        candidates.add(container.labels[RUN_LABEL])
    for network in client.networks.list(filters={"label": RUN_LABEL}):
        candidates.add(network.attrs["Labels"][RUN_LABEL])
    if NETNS_ROOT.exists():
        candidates |= {run_id_of(p.name) for p in NETNS_ROOT.glob(NAME_PREFIX + "*")}
    return {run_id for run_id in candidates if not run_is_alive(RUNS_ROOT / run_id)}


def sweep(client: docker.DockerClient) -> list[str]:
    """Remove everything that runs no longer alive left behind; return their ids."""
    dead = sorted(dead_run_ids(client))
    for run_id in dead:
        log.warning("sweeping leftovers of run %s", run_id)
        remove_run(client, run_id)
    return dead


def remove_run(client: docker.DockerClient, run_id: str) -> None:
    """Remove the daemons, containers, networks, namespaces and files of one run."""
    directory = RUNS_ROOT / run_id
    _stop_daemons(directory)
    _remove_containers(client, run_id)
    _remove_networks(client, run_id)
    remove_netns_names(run_id)
    shutil.rmtree(directory, ignore_errors=True)


def _stop_daemons(directory: Path) -> None:
    # Each dockerd the run started wrote its launcher's pid. The launcher leads its own
    # process group, which contains dockerd and its containerd.
    for pid_file in directory.glob("**/launcher.pid"):
        try:
            pgid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            continue
        if _process_belongs_to(pgid, directory):
            stop_process_group(pgid, timeout=10)


def _process_belongs_to(pid: int, directory: Path) -> bool:
    try:
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return str(directory) in command_line


def _remove_containers(client: docker.DockerClient, run_id: str) -> None:
    containers = client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={run_id}"})
    # Containers that share another's network namespace go first.
    containers.sort(key=lambda c: not c.attrs["HostConfig"]["NetworkMode"].startswith("container:"))
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as error:
            log.warning("could not remove container %s: %s", container.name, error.explanation)


def _remove_networks(client: docker.DockerClient, run_id: str) -> None:
    for network in client.networks.list(filters={"label": f"{RUN_LABEL}={run_id}"}):
        try:
            network.remove()
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as error:
            log.warning("could not remove network %s: %s", network.name, error.explanation)


def remove_netns_names(run_id: str) -> None:
    """Detach the named network namespaces of a run (`ip netns delete`)."""
    if not NETNS_ROOT.exists():
        return
    for path in NETNS_ROOT.glob(f"{run_id}*"):
        result = subprocess.run(["ip", "netns", "delete", path.name],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log.warning("could not delete network namespace %s: %s", path.name, result.stderr.strip())
