"""The one way teacher-tools calls an upstream: JSON over httpx with the caller's token and a
timeout; an answer that is no answer (refused, timed out, 5xx, not JSON) is UpstreamUnavailable."""

from __future__ import annotations

from typing import Any

import httpx

from edu.teacher_tools.service_layer.ports import UpstreamUnavailable


class UpstreamTransport:
    """An httpx client bound to one upstream's base URL."""

    def __init__(
        self,
        upstream: str,
        base_url: str,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.upstream = upstream
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout), transport=transport
        )

    async def get(
        self, path: str, *, token: str, params: dict[str, str | int] | None = None
    ) -> httpx.Response:
        """The upstream's answer below 500; UpstreamUnavailable for anything else."""
        headers = {"Accept": "application/json", "Authorization": f"Bearer {token}"}
        try:
            response = await self._client.get(path, params=params, headers=headers)
        except httpx.TransportError as exc:  # refused, reset, timed out
            raise UpstreamUnavailable(self.upstream, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise UpstreamUnavailable(self.upstream, f"answered {response.status_code}")
        return response

    async def ping(self) -> None:
        """Raise unless the upstream's ``/health`` answers 200."""
        response = await self._client.get("/health")
        response.raise_for_status()

    def body(self, response: httpx.Response) -> Any:
        """The JSON of a 2xx answer; UpstreamUnavailable for any other answer or body."""
        if not response.is_success:
            raise UpstreamUnavailable(self.upstream, f"answered {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise UpstreamUnavailable(self.upstream, "answered something not JSON") from exc

    async def aclose(self) -> None:
        await self._client.aclose()
