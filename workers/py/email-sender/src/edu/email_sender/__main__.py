"""``python -m edu.email_sender``: run the worker until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from edu.common.log import configure_logging
from edu.common.settings import load_settings
from edu.email_sender.bootstrap import bootstrap
from edu.email_sender.settings import EmailSenderSettings

logger = logging.getLogger("edu.email_sender")


async def run(settings: EmailSenderSettings) -> None:
    sender = bootstrap(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    logger.info("email sender: SMTP %s:%d", settings.smtp_host, settings.smtp_port)
    try:
        await sender.loop.run(stop)
    finally:
        await sender.close()


def main() -> None:
    settings = load_settings(EmailSenderSettings)
    configure_logging(
        EmailSenderSettings.service_name,
        level=settings.log_level,
        fmt=settings.effective_log_format(),
    )
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
