"""The hermetic lab: registry:2 stand-ins for Docker Hub and each mirror, and a real dockerd."""

import os

# The testcontainers reaper (Ryuk) is an image pulled from Docker Hub at first use. The lab
# removes its own resources and sweeps those of killed runs, so it needs no reaper.
# testcontainers reads this variable when it is first imported.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
