"""The queue's row and table keep the promises the worker relies on."""

from __future__ import annotations

import uuid

from edu.email_queue import EMAIL_QUEUE, QueuedEmail, message_id_for


class TestQueuedEmail:
    def test_reads_a_row_and_names_its_message_after_the_row(self) -> None:
        row = {
            "id": uuid.UUID("00000000-0000-4000-8000-000000000001"),
            "kind": "welcome",
            "to_address": "ada@example.org",
            "subject": "Welcome",
            "text_body": "Hello",
            "html_body": "<p>Hello</p>",
            "attempts": 2,
        }

        email = QueuedEmail.from_row(row)

        assert (email.to_address, email.attempts) == ("ada@example.org", 2)
        assert email.message_id == "<00000000-0000-4000-8000-000000000001@eduplatform.local>"

    def test_the_message_id_is_the_same_every_time_for_one_row(self) -> None:
        email_id = uuid.uuid4()
        assert message_id_for(email_id) == message_id_for(email_id)


class TestTable:
    def test_the_due_index_covers_only_unsent_addressed_rows(self) -> None:
        (due,) = [i for i in EMAIL_QUEUE.indexes if i.name == "ix_email_queue_due"]
        where = str(due.dialect_options["postgresql"]["where"])
        assert "sent_at IS NULL" in where
        assert "to_address IS NOT NULL" in where
