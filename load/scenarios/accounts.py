"""Logging in and signing up over identity's API; the access token goes on every later call."""

from __future__ import annotations

import uuid

from locust import FastHttpUser

from scenarios.platform import platform


def log_in(user: FastHttpUser, email: str) -> dict[str, str]:
    """The Authorization header for ``email`` (empty when log-in failed; Locust counted it)."""
    response = user.client.post(
        f"{platform().identity}/auth/login",
        json={"email": email, "password": platform().password},
        name="/auth/login",
    )
    if response.status_code != 200:
        return {}
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def sign_up(user: FastHttpUser) -> str:
    """A brand-new student account (unique email); returns the email."""
    email = f"load-{uuid.uuid4().hex[:16]}@load.eduplatform.test"
    user.client.post(
        f"{platform().identity}/auth/signup",
        json={"email": email, "password": platform().password},
        name="/auth/signup",
    )
    return email
