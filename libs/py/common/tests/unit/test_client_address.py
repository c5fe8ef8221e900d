"""A forwarded visitor address counts only when it comes with our proxy token."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from starlette.datastructures import Headers

from edu.common.client_address import (
    CLIENT_ADDRESS_HEADER,
    PROXY_TOKEN_HEADER,
    client_address,
    forwarding_headers,
    throttling_key,
)

TOKEN = SecretStr("a-long-random-proxy-token-0123456789")
PEER = "10.0.0.5"


def headers(**values: str) -> Headers:
    return Headers({name.replace("_", "-"): value for name, value in values.items()})


class TestClientAddress:
    def test_the_forwarded_address_counts_with_the_right_token(self) -> None:
        sent = Headers(forwarding_headers("203.0.113.9", TOKEN))
        assert client_address(sent, PEER, TOKEN) == "203.0.113.9"

    def test_header_names_are_the_documented_ones(self) -> None:
        assert CLIENT_ADDRESS_HEADER == "X-Edu-Client-Address"
        assert PROXY_TOKEN_HEADER == "X-Edu-Proxy-Token"
        sent = headers(
            x_edu_client_address="2001:db8::1", x_edu_proxy_token=TOKEN.get_secret_value()
        )
        assert client_address(sent, PEER, TOKEN) == "2001:db8::1"

    @pytest.mark.parametrize(
        "token",
        ["", "wrong", "a-long-random-proxy-token-012345678", TOKEN.get_secret_value() + "x"],
    )
    def test_a_wrong_or_empty_token_leaves_the_peer_address(self, token: str) -> None:
        sent = headers(x_edu_client_address="203.0.113.9", x_edu_proxy_token=token)
        assert client_address(sent, PEER, TOKEN) == PEER

    def test_without_a_token_the_forwarded_address_is_ignored(self) -> None:
        assert client_address(headers(x_edu_client_address="203.0.113.9"), PEER, TOKEN) == PEER

    def test_a_service_without_a_configured_token_trusts_no_one(self) -> None:
        sent = Headers(forwarding_headers("203.0.113.9", TOKEN))
        assert client_address(sent, PEER, None) == PEER
        assert client_address(sent, PEER, SecretStr("")) == PEER

    @pytest.mark.parametrize(
        "value", ["203.0.113.9, 198.51.100.1", "203.0.113.9:443", "evil", "", "[2001:db8::1]"]
    )
    def test_anything_but_one_address_is_not_trusted(self, value: str) -> None:
        sent = headers(x_edu_client_address=value, x_edu_proxy_token=TOKEN.get_secret_value())
        assert client_address(sent, PEER, TOKEN) == PEER

    def test_x_forwarded_for_is_never_read(self) -> None:
        assert client_address(headers(x_forwarded_for="203.0.113.9"), PEER, TOKEN) == PEER

    def test_no_peer_is_unknown(self) -> None:
        assert client_address(headers(), None, TOKEN) == "unknown"


class TestThrottlingKey:
    def test_ipv4_counts_per_address(self) -> None:
        assert throttling_key("203.0.113.9") == "203.0.113.9"

    def test_ipv6_counts_per_64_so_one_machine_cannot_rotate_addresses(self) -> None:
        assert throttling_key("2001:db8:1:2:a::1") == throttling_key("2001:db8:1:2:b::2")
        assert throttling_key("2001:db8:1:2:a::1") == "2001:db8:1:2::/64"
        assert throttling_key("2001:db8:1:3::1") != throttling_key("2001:db8:1:2::1")

    def test_ipv4_mapped_ipv6_is_the_ipv4_address(self) -> None:
        assert throttling_key("::ffff:203.0.113.9") == "203.0.113.9"

    def test_a_name_that_is_no_address_is_kept(self) -> None:
        assert throttling_key("unknown") == "unknown"
