"""A pytest plugin (``-p edu_gc_freeze``): once collection has imported everything, move every
object alive into the garbage collector's permanent generation.

A unit run imports ~2,000 modules (FastAPI, SQLAlchemy, pydantic, every service) before its
first test; each later full collection walks all of those objects again although none of them
will ever be garbage. Freezing them once keeps the collector to what the tests allocate:
measured on the unit layer here, 15.2 s -> 12.8 s (median of four runs each). Nothing is
leaked that would not have lived to the end of the run anyway.
"""

from __future__ import annotations

import gc

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()
