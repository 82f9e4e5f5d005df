"""Lab-wide outages built from the fault layer, for checks that need Docker Hub down."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mirrorcheck.faults import Hop, NetNamespace, outage
from mirrorcheck.lab.lab import Lab


@contextlib.contextmanager
def hub_refused(lab: Lab) -> Iterator[None]:
    """Make every mirror's connections to the hub fail at once with a TCP reset.

    Stopping the hub container is not the same: a mirror that keeps an HTTP/2 connection
    to it gets no reset and waits on the dead connection without a timeout.
    """
    hub = lab.hub.endpoint
    target = Hop(ip=hub.ip, port=hub.port, tls=hub.tls, host_name=hub.host)
    namespaces = {NetNamespace.of_process(m.pid).identity(): NetNamespace.of_process(m.pid)
                  for m in lab.mirrors}
    with contextlib.ExitStack() as stack:
        for namespace in namespaces.values():
            stack.enter_context(outage("refused", namespace, target, run_id=lab.run.id))
        yield
