"""Real users for the fuzzer: signed up and logged in through identity's HTTP API.

The tokens are identity's own ES256 access tokens; the other services verify them with the
JWKS identity serves, exactly as in production. Nothing is minted on the side.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from uuid import UUID

import requests

TIMEOUT = 10.0


class SetupFailed(RuntimeError):
    """A service refused a request the fuzzer's set-up needs; the message quotes its answer."""


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    user_id: UUID
    roles: tuple[str, ...]
    access_token: str
    refresh_token: str

    @property
    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def new_password() -> str:
    # Long and random: passes the password policy (length, not common, not the email).
    return f"fuzz-{secrets.token_urlsafe(18)}"


def sign_up_and_log_in(identity_url: str, *, label: str, teacher: bool = False) -> Account:
    """A new account (student; student and teacher with ``teacher``), logged in once."""
    email = f"{label}-{secrets.token_hex(4)}@fuzz.example.org"
    password = new_password()
    created = requests.post(
        f"{identity_url}/auth/signup",
        json={"email": email, "password": password, "teacher": teacher},
        timeout=TIMEOUT,
    )
    _expect(created, 201, "sign-up")
    tokens = log_in(identity_url, email, password)
    user = created.json()
    return Account(
        email=email,
        password=password,
        user_id=UUID(user["id"]),
        roles=tuple(user["roles"]),
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
    )


def log_in(identity_url: str, email: str, password: str) -> dict[str, str]:
    answer = requests.post(
        f"{identity_url}/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT
    )
    _expect(answer, 200, "log-in")
    tokens: dict[str, str] = answer.json()
    return tokens


def _expect(response: requests.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise SetupFailed(
            f"identity answered the fuzzer's {what} with {response.status_code}, "
            f"not {status}: {response.text[:500]}"
        )
