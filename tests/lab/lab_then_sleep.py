"""Start a lab, print its run id and directory, then wait to be killed (for teardown tests)."""

import sys
import time

from mirrorcheck import daemon_json
from mirrorcheck.lab.lab import LabConfig, start_lab

lab = start_lab(LabConfig(daemon_json=daemon_json.load(sys.argv[1]), registry_image=sys.argv[2],
                          images=("alpine:latest",)))
print(f"READY {lab.run.id} {lab.daemon.process.pid}", flush=True)
time.sleep(600)
