"""What a run actually sent: read from its VCR cassette (``reports/vcr-*.yaml``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import yaml

from edu.fuzz.runner import FuzzRun

# libyaml when present: a cassette of a few thousand requests parses in a fraction of a second.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def interactions(run: FuzzRun) -> Iterator[dict[str, Any]]:
    for cassette in sorted((run.folder / "reports").glob("vcr-*.yaml")):
        document = yaml.load(cassette.read_text(), Loader=_LOADER) or {}  # noqa: S506 - a safe loader (C or Python)
        yield from document.get("http_interactions", [])


def answered(run: FuzzRun, method: str, path_prefix: str, status: int) -> bool:
    """Whether some request ``method path_prefix...`` got ``status``."""
    return any(
        item["request"]["method"] == method
        and urlsplit(item["request"]["uri"]).path.startswith(path_prefix)
        and int(item["response"]["status"]["code"]) == status
        for item in interactions(run)
    )
