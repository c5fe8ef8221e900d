"""The catalogue's bare twin: Starlette + asyncpg, the same query on the same database.

`edu load bench` serves `GET /courses` from this app and from the course service, one uvicorn
worker each, and compares their request rates: what the service's layers (FastAPI, pydantic,
SQLAlchemy, the unit of work) cost on its hottest read. Keep ``PAGE_SQL`` the same query the
course service's catalogue adapter sends (services/py/course/.../catalogue_search.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE_SQL = """
WITH page AS (
    SELECT id, teacher_id, title, summary, level, tags, published_at, count(*) OVER () AS total
    FROM courses
    WHERE status = 'published'
    ORDER BY published_at DESC, id
    LIMIT $1 OFFSET $2
)
SELECT page.*, stats.lesson_count, stats.total_minutes
FROM page LEFT OUTER JOIN LATERAL (
    SELECT count(*) AS lesson_count, coalesce(sum(estimated_minutes), 0) AS total_minutes
    FROM lessons WHERE lessons.course_id = page.id
) AS stats ON true
ORDER BY page.published_at DESC, page.id
"""


def _dsn() -> str:
    return os.environ["EDU_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(_dsn(), min_size=2, max_size=10)
    yield
    await app.state.pool.close()


def _item(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "teacher_id": str(row["teacher_id"]),
        "title": row["title"],
        "summary": row["summary"],
        "level": row["level"],
        "tags": list(row["tags"]),
        "lesson_count": row["lesson_count"],
        "total_minutes": row["total_minutes"],
        "published_at": row["published_at"].isoformat(),
    }


async def courses(request: Request) -> Response:
    page = int(request.query_params.get("page", 1))
    size = int(request.query_params.get("page_size", 20))
    rows = await request.app.state.pool.fetch(PAGE_SQL, size, (page - 1) * size)
    body = {
        "items": [_item(row) for row in rows],
        "total": rows[0]["total"] if rows else 0,
        "page": page,
        "page_size": size,
    }
    return Response(json.dumps(body), media_type="application/json")


app = Starlette(routes=[Route("/courses", courses)], lifespan=lifespan)
