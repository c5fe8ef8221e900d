"""Search's highlights as safe HTML: search marks the matched words of a text with ``<b>`` and
HTML-escapes the rest (ADR 0025); web trusts neither, so the text is unescaped and escaped again
here, and only the marks become markup (``<mark>``, what a highlight is)."""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

_MARKED = re.compile(r"<b>(.*?)</b>", re.DOTALL)


def highlighted(text: str) -> Markup:
    """``text`` with search's ``<b>word</b>`` marks as ``<mark>word</mark>`` and everything
    else, tags included, shown as text."""
    parts: list[Markup] = []
    at = 0
    for found in _MARKED.finditer(text):
        parts.append(escape(html.unescape(text[at : found.start()])))
        parts.append(Markup("<mark>{}</mark>").format(html.unescape(found.group(1))))
        at = found.end()
    parts.append(escape(html.unescape(text[at:])))
    return Markup("").join(parts)
