"""Email content from Jinja2 templates in ``adapters/templates``.

Per kind three files: ``<kind>.subject.txt`` (one line), ``<kind>.txt`` (the plain-text part)
and ``<kind>.html`` (extends ``layout.html``). HTML autoescapes every value, the text parts do
not; a value missing from the context is an error, never an empty gap in a sent email.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from edu.notifications.domain.emails import RenderedEmail
from edu.notifications.domain.notifications import NotificationKind

TEMPLATES = Path(__file__).parent / "templates"


class JinjaEmailRenderer:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self._env = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(["html"], default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(self, kind: NotificationKind, context: Mapping[str, str]) -> RenderedEmail:
        subject = self._env.get_template(f"{kind.value}.subject.txt").render(context)
        return RenderedEmail(
            subject=" ".join(subject.split()),  # a header is one line, whatever the template did
            text=self._env.get_template(f"{kind.value}.txt").render(context),
            html=self._env.get_template(f"{kind.value}.html").render(context),
        )
