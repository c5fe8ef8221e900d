"""A service verifies tokens with keys it fetches from identity's JWKS URL (over real HTTP)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from edu.auth.keys import SigningKey, jwks_document
from edu.auth.principal import STUDENT
from edu.auth.tokens import TokenIssuer, TokenVerifier
from edu.common.problems import Unauthenticated


class JwksServer:
    """Serves whatever keys the test puts in ``keys``, counting the fetches."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = []
        self.fetches = 0
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.fetches += 1
                body = json.dumps(jwks_document(*served.keys)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/.well-known/jwks.json"


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    served = JwksServer()
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()


class TestVerifyingWithAJwksUrl:
    def test_verifies_a_token_with_a_fetched_key_and_caches_it(
        self, jwks_server: JwksServer
    ) -> None:
        key = SigningKey.generate()
        jwks_server.keys = [key]
        verifier = TokenVerifier(jwks_url=jwks_server.url)
        issuer = TokenIssuer(key)

        for _ in range(3):
            principal = verifier.verify(
                issuer.issue(user_id=uuid.uuid4(), email="a@b.c", roles=[STUDENT])
            )
            assert principal.roles == {STUDENT}

        assert jwks_server.fetches == 1

    def test_picks_up_a_rotated_key_by_refetching(self, jwks_server: JwksServer) -> None:
        old, new = SigningKey.generate(), SigningKey.generate()
        jwks_server.keys = [old]
        verifier = TokenVerifier(jwks_url=jwks_server.url, refetch_cooldown=0)
        verifier.verify(TokenIssuer(old).issue(user_id=uuid.uuid4(), email="a@b.c", roles=[]))

        jwks_server.keys = [old, new]
        token = TokenIssuer(new).issue(user_id=uuid.uuid4(), email="a@b.c", roles=[])

        assert verifier.verify(token).email == "a@b.c"

    def test_an_unreachable_jwks_url_means_unauthenticated_not_a_crash(self) -> None:
        verifier = TokenVerifier(jwks_url="http://127.0.0.1:9/jwks.json", fetch_timeout=1)
        token = TokenIssuer(SigningKey.generate()).issue(
            user_id=uuid.uuid4(), email="a@b.c", roles=[]
        )
        with pytest.raises(Unauthenticated, match="signing key could not be found"):
            verifier.verify(token)
