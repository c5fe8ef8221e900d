"""Course Q&A for the harness (issue 24): messaging's WebSocket subprotocols and post bodies
moderation lets through — one copy for the load scenario (load/scenarios/qa.py) and the chaos
experiment (edu.chaos.qa)."""

from __future__ import annotations

import random

SUBPROTOCOL = "edu.qa.v1"
# Words for the posts' bodies: a few drawn at random make each post unlike its author's others,
# so moderation's repeated-post rule (the same or nearly the same words by one author, ADR 0027)
# lets them be.
WORDS = (
    "why",
    "how",
    "when",
    "does",
    "lesson",
    "example",
    "chapter",
    "proof",
    "graph",
    "table",
    "vector",
    "matrix",
    "model",
    "data",
    "theory",
    "practice",
    "exercise",
    "answer",
    "figure",
    "method",
    "result",
    "error",
    "value",
    "function",
    "loop",
    "array",
    "string",
    "class",
    "module",
    "test",
    "index",
    "query",
    "cache",
    "server",
    "client",
    "socket",
    "thread",
    "process",
    "memory",
    "network",
    "packet",
    "signal",
    "sample",
    "average",
    "median",
    "variance",
    "gradient",
    "layer",
    "weight",
    "bias",
)


def subprotocols(token: str) -> list[str]:
    """What a client offers when it opens messaging's WebSocket: the protocol, then its token."""
    return [SUBPROTOCOL, f"access_token.{token}"]


def varied_words(count: int = 6) -> str:
    """``count`` words drawn at random: a body no earlier post of its author repeats."""
    return " ".join(random.sample(WORDS, count))
