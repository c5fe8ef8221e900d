"""FakeIdentityClient: accounts in memory; tokens are real ES256 tokens from a throwaway key
(edu.auth.testing), so the session code under test verifies them as it verifies identity's."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import NotSignedIn, ProblemError
from edu.web.clients.models import Tokens, User
from edu.web.testing.switch import Switchable, caller_of


@dataclass
class FakeIdentityClient(Switchable):
    name: str = "identity"
    minter: TokenMinter = field(default_factory=TokenMinter)
    users: dict[str, tuple[User, str]] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # token -> email
    logged_out: list[str] = field(default_factory=list)

    @property
    def verifier(self) -> TokenVerifier:
        return TokenVerifier.from_keys(self.minter.jwks())

    def tokens_for(self, email: str) -> Tokens:
        user, _ = self.users[email]
        refresh = secrets.token_urlsafe(16)
        self.refresh_tokens[refresh] = email
        access = self.minter.mint(user_id=user.id, roles=user.roles, email=email)
        return Tokens(
            access_token=access, refresh_token=refresh, expires_in=900, refresh_expires_in=86400
        )

    async def sign_up(self, email: str, password: str, *, teacher: bool) -> User:
        self.answer()
        if len(password) < 12:
            raise ProblemError(
                422,
                "Invalid input",
                "Choose a stronger password.",
                {"password": ("Use at least 12 characters.",)},
            )
        if email.lower() in self.users:
            raise ProblemError(409, "Conflict", "An account with this email already exists.")
        roles = ("student", "teacher") if teacher else ("student",)
        user = User(id=uuid.uuid4(), email=email.lower(), roles=roles)
        self.users[user.email] = (user, password)
        return user

    async def log_in(self, email: str, password: str) -> Tokens:
        self.answer()
        known = self.users.get(email.lower())
        if known is None or known[1] != password:
            raise NotSignedIn(
                401, "Authentication required", "The email address or password is not correct."
            )
        return self.tokens_for(email.lower())

    async def refresh(self, refresh_token: str) -> Tokens:
        self.answer()
        email = self.refresh_tokens.pop(refresh_token, None)
        if email is None:
            raise NotSignedIn(401, "Authentication required", "The refresh token is not valid.")
        return self.tokens_for(email)

    async def log_out(self, refresh_token: str) -> None:
        self.answer()
        self.logged_out.append(refresh_token)
        self.refresh_tokens.pop(refresh_token, None)

    async def become_teacher(self, token: str) -> User:
        self.answer()
        user_id = caller_of(self.verifier, token)
        for email, (user, password) in self.users.items():
            if user.id == user_id:
                promoted = user.model_copy(update={"roles": ("student", "teacher")})
                self.users[email] = (promoted, password)
                return promoted
        raise NotSignedIn(401, "Authentication required")

    async def jwks(self) -> dict[str, Any]:
        self.answer()
        return self.minter.jwks()
