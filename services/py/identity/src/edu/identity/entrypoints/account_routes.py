"""The signed-in user's own account, and the keys that verify access tokens."""

from __future__ import annotations

from fastapi import APIRouter

from edu.common.http_problems import problem_responses
from edu.identity.entrypoints.deps import CurrentPrincipal, IdentityDep
from edu.identity.entrypoints.schemas import Jwks, UserOut

router = APIRouter()


@router.get(
    "/me",
    summary="The signed-in user",
    response_model=UserOut,
    responses=problem_responses(401),
    tags=["account"],
)
async def me(principal: CurrentPrincipal, identity: IdentityDep) -> UserOut:
    """The account of the access token's user, with its current roles."""
    return UserOut.of(await identity.accounts.profile(principal.user_id))


@router.post(
    "/me/teacher",
    summary="Become a teacher",
    response_model=UserOut,
    responses=problem_responses(401),
    tags=["account"],
)
async def become_teacher(principal: CurrentPrincipal, identity: IdentityDep) -> UserOut:
    """Add the teacher role to the signed-in account (idempotent). Refresh the tokens
    afterwards: access tokens carry the roles they were issued with."""
    return UserOut.of(await identity.accounts.become_teacher(principal.user_id))


@router.get(
    "/.well-known/jwks.json",
    summary="Public keys for verifying access tokens",
    response_model=Jwks,
    tags=["keys"],
)
async def jwks(identity: IdentityDep) -> Jwks:
    """The JWKS other services verify access tokens with (cache it; refetch on unknown `kid`)."""
    return Jwks.model_validate(identity.jwks)
