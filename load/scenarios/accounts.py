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

from scenarios.platform import platform

REFRESH_MARGIN_S = 60.0


class SignedIn:
    """One user's tokens; ``headers()`` is the Authorization header, refreshed when due."""

    def __init__(self, user: FastHttpUser, email: str) -> None:
        self._user = user
        self._tokens: dict[str, Any] = {}
        self._expires_at = 0.0
        self._keep(
            user.client.post(
                f"{platform().identity}/auth/login",
                json={"email": email, "password": platform().password},
                name="/auth/login",
            )
        )

    def headers(self) -> dict[str, str]:
        if self._tokens and time.monotonic() > self._expires_at - REFRESH_MARGIN_S:
            self._keep(
                self._user.client.post(
                    f"{platform().identity}/auth/refresh",
                    json={"refresh_token": self._tokens["refresh_token"]},
                    name="/auth/refresh",
                )
            )
        if not self._tokens:
            return {}  # log-in failed and Locust counted it; calls go out unauthenticated
        return {"Authorization": f"Bearer {self._tokens['access_token']}"}

    def _keep(self, response: Any) -> None:
        if response.status_code == 200:
            self._tokens = response.json()
            self._expires_at = time.monotonic() + float(self._tokens["expires_in"])


def sign_up(user: FastHttpUser) -> str:
    """A brand-new student account (unique email); returns the email."""
    email = f"load-{uuid.uuid4().hex[:16]}@load.eduplatform.test"
    user.client.post(
        f"{platform().identity}/auth/signup",
        json={"email": email, "password": platform().password},
        name="/auth/signup",
    )
    return email
