from __future__ import annotations

import pytest

from edu.certificate_generator.service_layer.directory import Directory
from edu.certificate_generator.service_layer.events import EventHandling
from edu.certificate_generator.service_layer.issuing import CertificateDocuments
from edu.certificate_generator.service_layer.ports import CertificatesUnitOfWork
from edu.certificate_generator.testing import (
    FakeCertificatesDatabase,
    FakeCertificatesUnitOfWork,
    FakeDocumentStore,
    FakeRenderer,
)

WEB_URL = "https://learn.example.org"


@pytest.fixture
def db() -> FakeCertificatesDatabase:
    return FakeCertificatesDatabase()


@pytest.fixture
def store() -> FakeDocumentStore:
    return FakeDocumentStore()


@pytest.fixture
def renderer() -> FakeRenderer:
    return FakeRenderer()


@pytest.fixture
def documents(
    db: FakeCertificatesDatabase, store: FakeDocumentStore, renderer: FakeRenderer
) -> CertificateDocuments:
    def uow() -> CertificatesUnitOfWork:
        return FakeCertificatesUnitOfWork(db)

    return CertificateDocuments(uow, renderer, store, web_url=WEB_URL)


@pytest.fixture
def handling(db: FakeCertificatesDatabase, documents: CertificateDocuments) -> EventHandling:
    return EventHandling(Directory(lambda: FakeCertificatesUnitOfWork(db)), documents)
