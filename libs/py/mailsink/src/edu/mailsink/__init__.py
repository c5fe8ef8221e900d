"""A local SMTP sink for development and tests (ADR 0007).

* :class:`edu.mailsink.store.MailStore` keeps each received message as ``<id>.eml`` plus a line
  in ``index.jsonl``, and lists and reads them back (``edu mail`` uses it).
* :class:`edu.mailsink.sink.SmtpSink` is the aiosmtpd server; tests start it in-process on a
  free port and stop and start it again to simulate an outage.
* :func:`edu.mailsink.web.mail_page` is the small dev page listing received mail.
* ``python -m edu.mailsink --port 11025 --dir .edu/env/mail --http-port 11080`` runs both.

This module imports nothing heavy: the CLI imports the store without the server.
"""
