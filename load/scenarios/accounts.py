"""Logging in, staying logged in, and signing up over identity's API.

Access tokens live 15 minutes; a signed-in user refreshes shortly before expiry with its
refresh token, as the web front end does. (The first 20-minute soak had every authenticated
call answer 401 after minute 15: the users never refreshed.)
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from locust import FastHttpUser

from edu.testing import api_calls
from scenarios.platform import platform, send

REFRESH_MARGIN_S = 60.0


class SignedIn:
    """One user's tokens; ``headers()`` is the Authorization header, refreshed when due."""

    def __init__(self, user: FastHttpUser, email: str) -> None:
        self._user = user
        self._tokens: dict[str, Any] = {}
        self._expires_at = 0.0
        self._keep(send(user, api_calls.log_in(email, platform().password)))

    def token(self) -> str | None:
        """The access token, refreshed when due; None when logging in failed (Locust counted
        it; calls go out unauthenticated)."""
        if self._tokens and time.monotonic() > self._expires_at - REFRESH_MARGIN_S:
            self._keep(send(self._user, api_calls.refresh(self._tokens["refresh_token"])))
        return str(self._tokens["access_token"]) if self._tokens else None

    def headers(self) -> dict[str, str]:
        token = self.token()
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _keep(self, response: Any) -> None:
        if response.status_code == 200:
            self._tokens = response.json()
            self._expires_at = time.monotonic() + float(self._tokens["expires_in"])


def sign_up(user: FastHttpUser) -> str:
    """A brand-new student account (unique email); returns the email."""
    email = f"load-{uuid.uuid4().hex[:16]}@load.eduplatform.test"
    send(user, api_calls.sign_up(email, platform().password))
    return email
