"""CSRF protection for every form: a signed double-submit token.

Each browser gets a random value in the HttpOnly ``edu_csrf`` cookie; every form carries
``csrf_token`` = HMAC-SHA256(secret, that value). A post is accepted only when the two match,
which a cross-site page cannot arrange: it can neither read our cookie nor compute the HMAC
without the secret (and SameSite=Lax keeps the cookie off most cross-site posts anyway).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

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

    def token_for(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()

    def check(self, nonce: str | None, token: object) -> None:
        if not nonce or not isinstance(token, str):
            raise CsrfRejected("the form carried no CSRF token")
        if not hmac.compare_digest(self.token_for(nonce), token):
            raise CsrfRejected("the form's CSRF token does not match this browser")
