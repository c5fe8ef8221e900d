"""email-sender: sends the emails notifications queued, over SMTP (ADR 0007).

``python -m edu.email_sender`` runs the loop until SIGTERM. Guarantees: an email is marked sent
in the same transaction that claimed it (``SELECT ... FOR UPDATE SKIP LOCKED``) and only after
the SMTP server accepted it; while the server is unreachable nothing is marked and the loop
waits with a bounded, growing pause instead of crashing.
"""
