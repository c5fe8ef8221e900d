"""The aggregator's figures in the Prometheus text format, on a tiny HTTP endpoint.

The repository has no metrics library yet (ADR 0019): this is the smallest thing a scraper
or a person with curl can read. ``GET /metrics`` gives each consumer's lag (messages not yet
delivered plus delivered but unacknowledged, from JetStream's consumer info) and the count of
events folded, duplicates and ignored; ``GET /health`` answers while the process runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator

from edu.events.jetstream_consumer import ConsumerLag

logger = logging.getLogger("edu.analytics_aggregator.metrics")


class AggregatorMetrics:
    def __init__(self) -> None:
        self.lag: dict[str, ConsumerLag] = {}
        self.outcomes: Counter[str] = Counter()

    def record_lag(self, lag: ConsumerLag) -> None:
        previous = self.lag.get(lag.durable)
        self.lag[lag.durable] = lag
        if lag.behind or (previous is not None and previous.behind):
            logger.info(
                "%s: %d pending, %d unacknowledged", lag.durable, lag.pending, lag.ack_pending
            )

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] += 1

    def render(self) -> str:
        lines = [
            "# HELP edu_consumer_pending Messages the durable consumer has not been delivered yet.",
            "# TYPE edu_consumer_pending gauge",
            *(f'edu_consumer_pending{{durable="{d}"}} {g.pending}' for d, g in self.lag.items()),
            "# HELP edu_consumer_ack_pending Messages delivered but not yet acknowledged.",
            "# TYPE edu_consumer_ack_pending gauge",
            *(
                f'edu_consumer_ack_pending{{durable="{d}"}} {g.ack_pending}'
                for d, g in self.lag.items()
            ),
            "# HELP edu_learning_events_total Learning events handled, by outcome.",
            "# TYPE edu_learning_events_total counter",
            *(f'edu_learning_events_total{{outcome="{o}"}} {n}' for o, n in self.outcomes.items()),
        ]
        return "\n".join(lines) + "\n"


@contextlib.asynccontextmanager
async def serving_metrics(
    metrics: AggregatorMetrics, port: int, host: str = "127.0.0.1"
) -> AsyncIterator[int]:
    """Serve ``metrics`` on ``host``:``port`` (0: a free one) and yield the port."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), timeout=5)
            _method, _, rest = request.decode("latin-1").partition(" ")
            path = rest.split(" ", 1)[0]
            if path == "/metrics":
                status, body = "200 OK", metrics.render()
                kind = "text/plain; version=0.0.4"
            elif path == "/health":
                status, body, kind = "200 OK", '{"status":"ok"}', "application/json"
            else:
                status, body, kind = "404 Not Found", "not found\n", "text/plain"
            payload = body.encode()
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + payload)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, host, port)
    bound = server.sockets[0].getsockname()[1]
    logger.info("metrics on %s port %d (/metrics, /health)", host, bound)
    try:
        yield bound
    finally:
        server.close()
        await server.wait_closed()
