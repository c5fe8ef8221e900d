"""The methods a path supports, across every route of the app: the ``Allow`` header of a 405.

Starlette answers a 405 with the methods of the *first* route whose path matched, so a path
served by two routes (``GET /preferences`` and ``PUT /preferences``) advertised only one of them.
RFC 9110 says ``Allow`` lists the methods the target resource supports: all of them.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import BaseRoute, Match
from starlette.types import Scope


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route of ``app`` accepts for the path of ``scope``, sorted."""
    methods: set[str] = set()
    for route in app.router.routes:
        if _path_matches(route, scope):
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


def _path_matches(route: BaseRoute, scope: Scope) -> bool:
    # A route answers PARTIAL when the path matches and only the method does not.
    match, _ = route.matches({**scope, "type": "http"})
    return match is not Match.NONE
