"""A mini toxiproxy: a TCP proxy between one service and its PostgreSQL (or NATS) that adds
latency, retransmission stalls and connection resets on demand.

This machine's kernel has no ``sch_netem`` and there is no toxiproxy binary, so the chaos
experiments put this proxy between ONE service and its upstream instead: the service is
pointed at ``127.0.0.1:<listen>``, the proxy opens one upstream connection per accepted
connection and pumps bytes both ways. A small HTTP/JSON control API changes the faults
("toxics") at any time; a change applies to connections already open as well as new ones.

The fault model:

* ``latency_ms`` ± ``jitter_ms``: every chunk read from one side is delivered to the other
  side that long after it was read (jitter is uniform in ``[-jitter, +jitter]``, a negative
  total counts as 0). Each direction is a FIFO of ``(deliver_at, bytes)`` drained by a writer
  task, so chunks are pipelined (latency does not cap throughput at one chunk per latency)
  and order is preserved: a chunk due earlier than the one before it waits for it, which is
  TCP's head-of-line blocking.
* ``direction`` picks which way the faults apply: ``"upstream"`` (service -> database),
  ``"downstream"`` (database -> service) or ``"both"`` (the default). With ``"both"`` a
  request/response round trip gains TWICE the latency: 150 ms each way is a 300 ms round trip.
* ``loss`` (a probability): TCP cannot lose bytes end to end; a lost segment shows up as a
  retransmission stall. So with probability ``loss`` a chunk is additionally held back for
  ``rto_ms`` (default 200 ms, Linux's minimum retransmission timeout), order still
  preserved, so everything behind it stalls too.
* ``reset`` (a probability): a NEW connection is accepted and then closed at once with an
  RST (SO_LINGER 0), before any upstream connection is opened: a flaky network. It never
  touches connections already open.

Clearing the toxics returns to a plain pass-through at once; chunks already queued still go
out in order at the time they were scheduled for.

Control API (plain HTTP/1.1 on 127.0.0.1, JSON bodies, ``Connection: close``):

* ``GET /`` -> ``{"listen", "upstream", "toxics", "stats"}``
* ``GET /toxics`` -> the current toxics
* ``PUT /toxics`` -> replaces the toxics (keys left out take their defaults), answers them
* ``PATCH /toxics`` -> changes only the keys given, answers the toxics
* ``DELETE /toxics`` -> clears the toxics, answers them
* invalid toxics -> 400 ``application/problem+json``; anything else -> 404

Command line (prints one start line, runs until SIGTERM/SIGINT, port 0 picks a free port
and the start line shows the real one)::

    python -m edu.chaos.proxy --listen 127.0.0.1:P --upstream 127.0.0.1:U --control 127.0.0.1:C
    proxy 127.0.0.1:P -> 127.0.0.1:U (control 127.0.0.1:C)

Modules: ``toxics`` (the fault model), ``relay`` (the proxy), ``sockets`` (addresses, resets),
``control_api`` (its HTTP API), ``client`` (``ProxyControl``), ``__main__`` (the command line).
"""

from __future__ import annotations

from edu.chaos.proxy.client import ProxyControl, ProxyControlError
from edu.chaos.proxy.relay import LatencyProxy, running_proxy
from edu.chaos.proxy.toxics import DIRECTIONS, Direction, ProxyStats, Toxics, ToxicsError

__all__ = [
    "DIRECTIONS",
    "Direction",
    "LatencyProxy",
    "ProxyControl",
    "ProxyControlError",
    "ProxyStats",
    "Toxics",
    "ToxicsError",
    "running_proxy",
]
