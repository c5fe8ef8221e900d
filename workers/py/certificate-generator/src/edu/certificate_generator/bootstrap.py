"""The composition root: settings in, the consumer, the use cases and the read API's needs out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.tokens import TokenVerifier
from edu.certificate_generator.adapters.filesystem_store import FileSystemDocumentStore
from edu.certificate_generator.adapters.pdf_renderer import FpdfCertificateRenderer
from edu.certificate_generator.adapters.unit_of_work import (
    SqlAlchemyCertificatesUnitOfWork,
    ping_database,
)
from edu.certificate_generator.service_layer.directory import Directory
from edu.certificate_generator.service_layer.events import SUBSCRIBED_EVENTS, EventHandling
from edu.certificate_generator.service_layer.issuing import CertificateDocuments
from edu.certificate_generator.service_layer.ports import (
    CertificatesUnitOfWork,
    DocumentRenderer,
    DocumentStore,
    UnitOfWorkFactory,
)
from edu.certificate_generator.settings import CertificateGeneratorSettings
from edu.db.engine import open_sessions
from edu.events import DecodedEvent
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer

DURABLE = "certificate-generator"
DEAD_LETTER_PREFIX = "dlq.certificates"
# The database or the store being unreachable is nobody's fault: such events wait.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError)


@dataclass
class CertificateGeneratorContainer:
    documents: CertificateDocuments
    handling: EventHandling
    consumer: DurableEventConsumer[DecodedEvent]
    store: DocumentStore
    verifier: TokenVerifier
    sessions: async_sessionmaker[AsyncSession] | None = None
    engine: AsyncEngine | None = None

    async def ping(self) -> None:
        """Raise unless the database and the store can be used (``/ready``)."""
        if self.sessions is not None:
            await ping_database(self.sessions)
        await self.store.ping()

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


def consumer_settings(settings: CertificateGeneratorSettings) -> ConsumerSettings:
    return ConsumerSettings(
        durable=DURABLE,
        event_types=SUBSCRIBED_EVENTS,
        dead_letter_prefix=DEAD_LETTER_PREFIX,
        ack_wait=settings.consumer_ack_wait_seconds,
        policy=RedeliveryPolicy(max_deliveries=settings.max_deliveries),
    )


def bootstrap(
    settings: CertificateGeneratorSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    unit_of_work: UnitOfWorkFactory | None = None,
    renderer: DocumentRenderer | None = None,
    store: DocumentStore | None = None,
    verifier: TokenVerifier | None = None,
    consumer: ConsumerSettings | None = None,
) -> CertificateGeneratorContainer:
    """Wire the worker; each keyword replaces one real part (tests: fakes, streams of their own)."""
    engine = None
    uow = unit_of_work
    if uow is None:
        opened, engine = open_sessions(
            settings.database_url, pool_size=settings.database_pool_size, given=sessions
        )
        sessions = opened

        def sql_uow() -> CertificatesUnitOfWork:
            return SqlAlchemyCertificatesUnitOfWork(opened)

        uow = sql_uow
    renderer = renderer or FpdfCertificateRenderer(
        settings.certificate_font_dir, settings.certificate_fallback_fonts
    )
    store = store or FileSystemDocumentStore(settings.certificate_store_dir)
    documents = CertificateDocuments(uow, renderer, store, web_url=settings.web_url)
    handling = EventHandling(Directory(uow), documents)
    return CertificateGeneratorContainer(
        documents=documents,
        handling=handling,
        consumer=DurableEventConsumer(
            settings.nats_url,
            handling.handle,
            consumer or consumer_settings(settings),
            transient=TRANSIENT_ERRORS,
        ),
        store=store,
        verifier=verifier or TokenVerifier(jwks_url=settings.jwks_url),
        sessions=sessions,
        engine=engine,
    )
