"""The queue of emails between notifications and the email-sender worker (ADR 0007).

notifications adds :func:`email_queue_table` to its metadata, so its migrations create the
table in its database, and inserts a row in the same transaction as the notification; the
worker claims due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks them sent;
:func:`undelivered` is what `edu mail` shows of the rows the server refused.
"""

from edu.email_queue.email import QueuedEmail, message_id_for
from edu.email_queue.table import EMAIL_QUEUE, email_queue_table
from edu.email_queue.undelivered import UndeliveredEmail, undelivered

__all__ = [
    "EMAIL_QUEUE",
    "QueuedEmail",
    "UndeliveredEmail",
    "email_queue_table",
    "message_id_for",
    "undelivered",
]
