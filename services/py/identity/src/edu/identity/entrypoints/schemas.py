"""Request and response bodies of identity's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from edu.identity.domain.passwords import MAX_LENGTH, MIN_LENGTH
from edu.identity.domain.user import User


class _Request(BaseModel):
    # Strict: "yes" is not a boolean and 5 is not an email; JSON types must match.
    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=4096)


class SignUpRequest(_Request):
    email: str = Field(
        max_length=320, examples=["ada@example.org"], json_schema_extra={"format": "email"}
    )
    # The lengths are the policy's (edu.identity.domain.passwords), documented for clients.
    password: str = Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description="At least 12 characters, not a common password, not your email address.",
        examples=["correct horse battery staple"],
    )
    teacher: bool = Field(
        default=False, description="Also take the teacher role (anyone may teach; ADR 0005)."
    )


class LogInRequest(_Request):
    email: str = Field(max_length=320, examples=["ada@example.org"])
    password: str


class RefreshTokenRequest(_Request):
    refresh_token: str = Field(max_length=512)


class UserOut(BaseModel):
    id: UUID
    email: str
    roles: list[Literal["student", "teacher"]]
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email.value,
            roles=sorted(role.value for role in user.roles),
            created_at=user.created_at,
        )


class TokensOut(BaseModel):
    access_token: str = Field(description="JWT (ES256); send as `Authorization: Bearer ...`.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str = Field(description="Single use: each refresh returns a new one.")
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires.")


class Jwks(BaseModel):
    keys: list[dict[str, Any]] = Field(description="Public keys (JWK) that sign access tokens.")
