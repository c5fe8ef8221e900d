"""The certificates database's tables (SQLAlchemy Core). migrations/certificates must match;
an integration test compares the two."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table, Text, Uuid

from edu.db.schema import service_metadata

metadata = service_metadata()

# People as identity's user.registered described them (identity keeps no personal names).
people = Table(
    "people",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
)

# Each course's title and teacher from its newest course.published / course.updated.
courses = Table(
    "courses",
    metadata,
    Column("course_id", Uuid, primary_key=True),
    Column("title", Text, nullable=False),
    Column("teacher_id", Uuid, nullable=False),
    Column("version", BigInteger, nullable=False),
)

# One row per certificate, keyed by its id: what was printed and where the PDF is.
certificate_documents = Table(
    "certificate_documents",
    metadata,
    Column("certificate_id", Uuid, primary_key=True),
    Column("verification_code", String(64), nullable=False, unique=True),
    Column("enrollment_id", Uuid, nullable=False),
    Column("student_id", Uuid, nullable=False),
    Column("course_id", Uuid, nullable=False),
    Column("holder_name", Text, nullable=False),
    Column("course_title", Text, nullable=False),
    Column("teacher_name", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("verify_url", Text, nullable=False),
    Column("document_key", String(200), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("unprintable", Text, nullable=False),
)
