"""CSRF protection for every form: a signed double-submit token bound to the session.

Each browser gets a random value in the HttpOnly ``edu_csrf`` cookie; every form carries
``csrf_token`` = HMAC-SHA256(secret, that value + the session it was shown in: the signed-in
user's id, or nothing for an anonymous visitor). A post is accepted only when the token matches
the cookie *and* the session sending it, which a cross-site page cannot arrange: it can neither
read our cookie nor compute the HMAC without the secret (and SameSite=Lax keeps the cookie off
most cross-site posts anyway). An attacker who plants their own cookie and token (from their
own visit) in a victim's browser gets nowhere either: that token was made for another session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from edu.auth.principal import Principal

CSRF_COOKIE = "edu_csrf"
CSRF_FIELD = "csrf_token"


class CsrfRejected(Exception):
    """A post without a valid CSRF token: answered with a plain "reload and try again" page."""


class CsrfTokens:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the CSRF secret must be at least 16 bytes")
        self._secret = secret

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(32)

    def token_for(self, nonce: str, session: str) -> str:
        """The token for forms shown to the browser holding ``nonce`` in ``session``."""
        # The nonce is URL-safe base64 (never a NUL), so the pair reads back one way only.
        message = f"{nonce}\0{session}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def check(self, nonce: str | None, token: object, session: str) -> None:
        if not nonce or not isinstance(token, str):
            raise CsrfRejected("the form carried no CSRF token")
        if not hmac.compare_digest(self.token_for(nonce, session), token):
            raise CsrfRejected("the form's CSRF token does not match this browser and session")


def session_of(principal: Principal | None) -> str:
    """What a form's token is bound to: the signed-in user's id, or "" when nobody is."""
    return str(principal.user_id) if principal is not None else ""
