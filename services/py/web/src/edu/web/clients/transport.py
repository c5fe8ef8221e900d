"""The one way web calls a service: JSON over httpx with a timeout, answers sorted into data,
:class:`ProblemError` (4xx) or :class:`ServiceUnavailable` (no answer, or 5xx)."""

from __future__ import annotations

from typing import Any

import httpx

from edu.web.clients.errors import (
    NotSignedIn,
    ProblemError,
    ServiceUnavailable,
    TooManyAttempts,
)


class ServiceTransport:
    """An httpx client bound to one service's base URL."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.service = service
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout), transport=transport
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Accept": "application/json", **(headers or {})}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._client.request(
                method, path, json=json, content=content, params=params, headers=headers
            )
        except httpx.TransportError as exc:  # refused, reset, timed out
            raise ServiceUnavailable(self.service, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(self.service, f"HTTP {response.status_code}")
        if response.status_code == 429:
            raise TooManyAttempts(self.service, retry_after(response), problem_of(response).detail)
        if response.status_code >= 400:
            raise problem_of(response)
        return response

    async def aclose(self) -> None:
        await self._client.aclose()


def retry_after(response: httpx.Response, default: int = 60) -> int:
    """The seconds of a Retry-After header (the form our services send), else ``default``."""
    value = response.headers.get("retry-after", "")
    return max(1, int(value)) if value.isdigit() else default


def problem_of(response: httpx.Response) -> ProblemError:
    """The service's problem+json as a :class:`ProblemError`; tolerant of any other body."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    fields: dict[str, tuple[str, ...]] = {}
    for error in body.get("errors") or ():
        if isinstance(error, dict) and "field" in error and "message" in error:
            name = field_name(str(error["field"]))
            fields[name] = (*fields.get(name, ()), str(error["message"]))
    kind = NotSignedIn if response.status_code == 401 else ProblemError
    return kind(
        status=response.status_code,
        title=str(body.get("title") or response.reason_phrase),
        detail=str(body.get("detail") or ""),
        field_errors=fields,
    )


_LOCATIONS = ("body", "query", "path", "header", "cookie")


def field_name(location: str) -> str:
    """The field a problem is about, without where in the request it was: ``body.email`` ->
    ``email``; an entry of a list keeps its index (``body.tags.1`` -> ``tags.1``)."""
    head, _, rest = location.partition(".")
    return rest if head in _LOCATIONS and rest else location
