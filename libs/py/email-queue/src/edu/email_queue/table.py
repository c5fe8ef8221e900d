"""The ``email_queue`` table.

A row is *parked* while ``to_address`` is NULL (the recipient's address is not known yet: an
enrolment event overtook the user's registration), *due* once ``next_attempt_at`` has passed,
and finished when ``sent_at`` (delivered to the SMTP server) or ``abandoned_at`` (the server
refused it for good) is set. The partial index serves exactly the worker's "what is due?"
query, so it stays small however many sent rows accumulate.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text, Uuid, text

TABLE_NAME = "email_queue"

DUE_CONDITION = "sent_at IS NULL AND abandoned_at IS NULL AND to_address IS NOT NULL"


def email_queue_table(metadata: MetaData) -> Table:
    """Define ``email_queue`` in ``metadata`` (notifications' metadata creates it)."""
    return Table(
        TABLE_NAME,
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("kind", String(50), nullable=False),
        Column("user_id", Uuid, nullable=False),
        Column("to_address", String(320)),
        Column("subject", String(500), nullable=False),
        Column("text_body", Text, nullable=False),
        Column("html_body", Text, nullable=False),
        Column("source_event_id", Uuid, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Column("sent_at", DateTime(timezone=True)),
        Column("abandoned_at", DateTime(timezone=True)),
        Index("ix_email_queue_due", "next_attempt_at", postgresql_where=text(DUE_CONDITION)),
        Index("ix_email_queue_parked", "user_id", postgresql_where=text("to_address IS NULL")),
    )


# The library's own handle on the table, for statements; notifications' copy has the same shape.
EMAIL_QUEUE = email_queue_table(MetaData())
