"""Timing of each registry request: connect, first byte and total, in seconds.

Connect time covers TCP and TLS set-up and is 0 when a kept-alive connection is reused.
First byte is measured from the start of the request to the end of the response headers,
as curl's `time_starttransfer`. Total ends when the body has been read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


@dataclass
class RequestTiming:
    """Durations of one HTTP request, in seconds from its start."""

    connect: float
    first_byte: float
    total: float | None = None
    started_at: float = 0.0

    def finish(self) -> None:
        """Record the total duration, once the body has been read."""
        if self.total is None:
            self.total = time.perf_counter() - self.started_at


class _TimedConnectMixin:
    connect_seconds = 0.0

    def connect(self) -> None:
        started = time.perf_counter()
        super().connect()
        self.connect_seconds = time.perf_counter() - started


class TimedHTTPConnection(_TimedConnectMixin, HTTPConnection):
    pass


class TimedHTTPSConnection(_TimedConnectMixin, HTTPSConnection):
    pass


class TimedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = TimedHTTPConnection


class TimedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = TimedHTTPSConnection


class TimedAdapter(HTTPAdapter):
    """An HTTPAdapter that attaches a RequestTiming to every response as `response.timing`."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": TimedHTTPConnectionPool,
            "https": TimedHTTPSConnectionPool,
        }

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        started = time.perf_counter()
        response = super().send(request, **kwargs)
        first_byte = time.perf_counter() - started

        connection = getattr(response.raw, "connection", None)
        connect = getattr(connection, "connect_seconds", 0.0)
        if connection is not None:
            # The next request on this kept-alive connection makes no new connection.
            connection.connect_seconds = 0.0
        response.timing = RequestTiming(connect=connect, first_byte=first_byte,
                                        started_at=started)
        return response


class TimedSession(requests.Session):
    """A Session whose responses carry `timing`, with `total` set once the body is read."""

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        response = super().send(request, **kwargs)
        if not kwargs.get("stream"):
            timing_of(response).finish()
        return response


def timing_of(response: requests.Response) -> RequestTiming:
    """Return the timing of a response sent through a TimedAdapter."""
    timing = getattr(response, "timing", None)
    if timing is None:
        raise TypeError(f"response from {response.url} was not sent through a TimedAdapter")
    return timing
