"""A synchronous client for the proxy's control API (what the chaos actions use)."""

from __future__ import annotations

from typing import Any, cast

import httpx


class ProxyControlError(RuntimeError):
    """The control API said no (``status`` and the problem's ``detail``) or did not answer
    (``status`` None)."""

    def __init__(self, status: int | None, detail: str) -> None:
        super().__init__(f"proxy control: {status or 'no answer'}: {detail}")
        self.status = status
        self.detail = detail


class ProxyControl:
    """A synchronous client for the control API at ``control_url`` (``http://127.0.0.1:C``)."""

    def __init__(self, control_url: str, *, timeout: float = 3.0) -> None:
        self.control_url = control_url.rstrip("/")
        self.timeout = timeout

    def state(self) -> dict[str, Any]:
        """``{"listen", "upstream", "toxics", "stats"}``."""
        return self._call("GET", "/")

    def toxics(self, **values: float | str) -> dict[str, Any]:
        """Replace the toxics with ``values`` (others back to defaults); answer the new ones.

        ``direction="both"`` (the default) applies the latency each way: ``latency_ms=150``
        makes a round trip 300 ms longer.
        """
        return self._call("PUT", "/toxics", values)

    def update(self, **values: float | str) -> dict[str, Any]:
        """Change only the toxics in ``values``; answer the new ones."""
        return self._call("PATCH", "/toxics", values)

    def clear(self) -> dict[str, Any]:
        """Back to a plain pass-through; answer the (default) toxics."""
        return self._call("DELETE", "/toxics")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = self.control_url + path
        try:
            # trust_env off: a proxy from the environment must not sit in front of 127.0.0.1.
            with httpx.Client(timeout=self.timeout, trust_env=False) as client:
                response = client.request(method, url, json=body)
        except httpx.HTTPError as exc:
            raise ProxyControlError(None, f"{method} {url}: {exc!r}") from exc
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code != 200:
            detail = payload.get("detail") if isinstance(payload, dict) else None
            raise ProxyControlError(response.status_code, str(detail or response.text))
        if not isinstance(payload, dict):
            raise ProxyControlError(200, f"{method} {url} answered no JSON object: {response.text}")
        return cast(dict[str, Any], payload)
