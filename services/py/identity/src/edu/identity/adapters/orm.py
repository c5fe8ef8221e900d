"""identity's tables (SQLAlchemy Core). Migrations in migrations/identity must match them; an
integration test compares the two with Alembic autogenerate."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY

from edu.db.outbox import outbox_table
from edu.db.schema import service_metadata

metadata = service_metadata()

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    # Stored normalised (edu.identity.domain.email), so a plain unique constraint suffices.
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("roles", ARRAY(String(20)), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

refresh_token_families = Table(
    "refresh_token_families",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the token
    Column(
        "family_id",
        Uuid,
        ForeignKey("refresh_token_families.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

outbox = outbox_table(metadata)
