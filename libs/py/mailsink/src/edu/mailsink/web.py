"""The dev page: received mail, newest first, each readable as text or as the raw .eml."""

from __future__ import annotations

from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from edu.mailsink.store import MailStore, UnknownMail

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eduplatform mail sink</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}td,th{{padding:.3rem .8rem;
text-align:left;border-bottom:1px solid #ddd}}</style></head>
<body><h1>Received mail ({count})</h1>
<table><tr><th>received</th><th>from</th><th>to</th><th>subject</th><th></th></tr>
{rows}</table></body></html>"""

_ROW = (
    '<tr><td>{at}</td><td>{sender}</td><td>{to}</td><td><a href="/messages/{id}">{subject}</a>'
    '</td><td><a href="/messages/{id}.eml">.eml</a></td></tr>'
)


def mail_page(store: MailStore) -> Starlette:
    """``/`` (HTML list), ``/api/messages`` (JSON), ``/messages/{id}`` (text), ``{id}.eml``."""

    async def index(request: Request) -> Response:
        mails = list(reversed(store.list()))
        rows = "\n".join(
            _ROW.format(
                at=escape(m.received_at.strftime("%Y-%m-%d %H:%M:%S")),
                sender=escape(m.mail_from),
                to=escape(", ".join(m.rcpt_to)),
                subject=escape(m.subject or "(no subject)"),
                id=escape(m.id),
            )
            for m in mails
        )
        return HTMLResponse(_PAGE.format(count=len(mails), rows=rows))

    async def messages(request: Request) -> Response:
        return JSONResponse([m.to_json() for m in reversed(store.list())])

    async def message(request: Request) -> Response:
        name = str(request.path_params["name"])
        mail_id, _, suffix = name.partition(".")
        try:
            if suffix == "eml":
                return Response(store.raw(mail_id), media_type="message/rfc822")
            return PlainTextResponse(store.text_of(mail_id))
        except UnknownMail:
            return PlainTextResponse(f"no message {mail_id}", status_code=404)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/api/messages", messages),
            Route("/messages/{name}", message),
        ]
    )
