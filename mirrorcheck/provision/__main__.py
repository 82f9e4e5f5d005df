"""python -m mirrorcheck.provision: get a machine ready for the lab.

Exit status 0 when an engine responds and the registry image is present, 2 with a message
naming what is missing and how to get it otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from mirrorcheck.errors import MirrorcheckError
from mirrorcheck.provision import provision


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mirrorcheck.provision",
        description="Install and start a Docker engine if none responds (Debian or Ubuntu, "
        "as root), and make the lab's registry image available.",
    )
    parser.add_argument(
        "--registry-image",
        default=os.environ.get("MIRRORCHECK_REGISTRY_IMAGE", "registry:2"),
        help="registry image to use when present (default: registry:2) "
        "[env MIRRORCHECK_REGISTRY_IMAGE]",
    )
    parser.add_argument(
        "--test-tools", action="store_true",
        help="also install what the project's own tests use: Debian's chromium and curl",
    )
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="provision: %(message)s")

    try:
        tag = provision(arguments.registry_image, arguments.test_tools)
    except MirrorcheckError as error:
        print(f"provision: {error}", file=sys.stderr)
        return 2
    print(f"provision: engine ready, registry image {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
