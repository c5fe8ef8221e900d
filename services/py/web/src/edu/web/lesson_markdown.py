"""Lesson bodies are teachers' Markdown, shown to students: rendered without raw HTML.

markdown-it-py with ``html`` off escapes any HTML a teacher writes, and its link check refuses
``javascript:``, ``vbscript:``, ``file:`` and non-image ``data:`` URLs. Links leave the site
with ``rel="nofollow noopener noreferrer"``, so a lesson cannot lend our reputation or reach
back into the page that opened it. Headings move one level down, under the lesson's title.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

LINK_REL = "nofollow noopener noreferrer"


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    tokens[idx].attrSet("rel", LINK_REL)
    return renderer.renderToken(tokens, idx, options, env)


def _heading(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    # The page's own title is the one h1: a lesson's "# Heading" becomes an h2, and so on.
    level = min(int(tokens[idx].tag[1]) + 1, 6)
    tokens[idx].tag = f"h{level}"
    return renderer.renderToken(tokens, idx, options, env)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


_RENDERER = _markdown()


def render_lesson(markdown: str) -> Markup:
    """Safe HTML for a lesson body (markupsafe's Markup, so Jinja does not escape it again)."""
    return Markup(_RENDERER.render(markdown))  # noqa: S704 - html is off: markdown-it escapes all raw HTML
