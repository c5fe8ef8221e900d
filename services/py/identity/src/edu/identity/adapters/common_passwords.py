"""The list of common passwords identity refuses, shipped as package data (see data/NOTICE)."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources


@cache
def common_passwords() -> frozenset[str]:
    """About 20,000 lower-cased common passwords, read once."""
    data = resources.files("edu.identity.adapters").joinpath("data/common-passwords.txt.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())
