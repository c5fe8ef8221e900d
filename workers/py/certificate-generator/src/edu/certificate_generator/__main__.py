"""``python -m edu.certificate_generator``: the consumer and the download API until SIGINT or
SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn

from edu.certificate_generator.bootstrap import bootstrap
from edu.certificate_generator.entrypoints.app import make_app
from edu.certificate_generator.settings import CertificateGeneratorSettings
from edu.common.log import configure_logging
from edu.common.settings import load_settings

logger = logging.getLogger("edu.certificate_generator")


async def run(settings: CertificateGeneratorSettings) -> None:
    container = bootstrap(settings)
    app = make_app(container, max_body_bytes=settings.max_request_body_bytes)
    config = uvicorn.Config(
        app, host=str(settings.bind_address), port=settings.http_port, log_config=None
    )
    server = uvicorn.Server(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    logger.info(
        "certificate generator: NATS %s, store %s",
        settings.nats_url,
        settings.certificate_store_dir,
    )

    # uvicorn takes SIGINT/SIGTERM while it serves, then hands the signal back to the loop's
    # handler above; either way the consumer stops after its current message.
    async def serve() -> None:
        try:
            await server.serve()
        finally:
            stop.set()

    try:
        await asyncio.gather(container.consumer.run(stop), serve())
    finally:
        await container.close()


def main() -> None:
    settings = load_settings(CertificateGeneratorSettings)
    configure_logging(
        CertificateGeneratorSettings.service_name,
        level=settings.log_level,
        fmt=settings.effective_log_format(),
    )
    # fpdf2 subsets the fonts with fontTools, which logs a dozen INFO lines per PDF.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
