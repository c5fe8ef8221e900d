"""``python -m edu.analytics_aggregator``: run both consumers until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from edu.analytics_aggregator.bootstrap import bootstrap
from edu.analytics_aggregator.metrics import serving_metrics
from edu.analytics_aggregator.settings import AggregatorSettings
from edu.common.log import configure_logging
from edu.common.settings import load_settings

logger = logging.getLogger("edu.analytics_aggregator")


async def run(settings: AggregatorSettings) -> None:
    aggregator = bootstrap(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    logger.info("analytics aggregator: NATS %s", settings.nats_url)
    try:
        bind = str(settings.bind_address)
        async with serving_metrics(aggregator.metrics, settings.metrics_port, bind):
            await asyncio.gather(aggregator.learning.run(stop), aggregator.courses.run(stop))
    finally:
        await aggregator.close()


def main() -> None:
    settings = load_settings(AggregatorSettings)
    configure_logging(
        AggregatorSettings.service_name,
        level=settings.log_level,
        fmt=settings.effective_log_format(),
    )
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
