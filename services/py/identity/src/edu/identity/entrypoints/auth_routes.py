"""Sign-up, sign-in, refresh and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from edu.common.http_problems import problem_responses
from edu.common.openapi_links import link, links_on
from edu.identity.entrypoints.deps import ClientAddress, IdentityDep
from edu.identity.entrypoints.schemas import (
    LogInRequest,
    RefreshTokenRequest,
    SignUpRequest,
    TokensOut,
    UserOut,
)
from edu.identity.service_layer.registration import SignUp
from edu.identity.service_layer.sessions import IssuedTokens

router = APIRouter(prefix="/auth", tags=["auth"])

_CREDENTIALS = {"email": "$request.body#/email", "password": "$request.body#/password"}
_REFRESH_TOKEN = {"refresh_token": "$response.body#/refresh_token"}
# What a client does with a fresh pair of tokens: refresh them later, or sign out.
_TOKEN_LINKS = links_on(
    200,
    refresh=link(
        "POST",
        "/auth/refresh",
        request_body=_REFRESH_TOKEN,
        description="Get new tokens with the refresh token.",
    ),
    log_out=link(
        "POST", "/auth/logout", request_body=_REFRESH_TOKEN, description="Sign out this session."
    ),
)


def _tokens(issued: IssuedTokens) -> TokensOut:
    return TokensOut(
        access_token=issued.access_token,
        expires_in=issued.access_expires_in,
        refresh_token=issued.refresh_token,
        refresh_expires_in=issued.refresh_expires_in,
    )


@router.post(
    "/signup",
    summary="Create an account",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses={
        **problem_responses(400, 409, 422, 429),
        **links_on(
            201,
            log_in=link(
                "POST",
                "/auth/login",
                request_body=_CREDENTIALS,
                description="Sign in to the new account.",
            ),
        ),
    },
)
async def sign_up(body: SignUpRequest, identity: IdentityDep, address: ClientAddress) -> UserOut:
    """Create a student account (or student and teacher with `teacher: true`).

    At most 20 sign-ups per client address in 15 minutes (`EDU_SIGNUP_LIMIT`,
    `EDU_SIGNUP_WINDOW_SECONDS`); past that, 429 with `Retry-After`.
    """
    user = await identity.registration.sign_up(
        SignUp(
            email=body.email,
            password=body.password,
            as_teacher=body.teacher,
            client_address=address,
        )
    )
    return UserOut.of(user)


@router.post(
    "/login",
    summary="Sign in with email and password",
    response_model=TokensOut,
    responses={**problem_responses(400, 401, 422, 429, 503), **_TOKEN_LINKS},
)
async def log_in(body: LogInRequest, identity: IdentityDep, address: ClientAddress) -> TokensOut:
    """Exchange email and password for an access token and a refresh token.

    After 100 failed attempts in an hour from one address, or on one account from addresses
    that never signed in to it, answers 429 with `Retry-After` until the oldest failure is an
    hour old. An address that signed in to the account before is not held back by failures
    from elsewhere.
    """
    return _tokens(await identity.sessions.log_in(body.email, body.password, address))


@router.post(
    "/refresh",
    summary="Get new tokens with a refresh token",
    response_model=TokensOut,
    responses={**problem_responses(400, 401, 422), **_TOKEN_LINKS},
)
async def refresh(body: RefreshTokenRequest, identity: IdentityDep) -> TokensOut:
    """Spend a refresh token for a new pair. Presenting a spent one signs out every session
    that descends from the same sign-in."""
    return _tokens(await identity.sessions.refresh(body.refresh_token))


@router.post(
    "/logout",
    summary="Sign out",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(400, 422),
)
async def log_out(body: RefreshTokenRequest, identity: IdentityDep) -> Response:
    """Revoke the refresh token and its whole family. Access tokens already issued stay
    valid until they expire (at most 15 minutes)."""
    await identity.sessions.log_out(body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
