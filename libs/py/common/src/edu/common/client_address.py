"""The visitor's address through trusted proxies (ADR 0015).

A proxy of ours (web, the api-gateway) calls the services from its own address, so a service
that throttles per caller would throttle the proxy, that is, every visitor at once. The proxy
therefore sends the visitor's address in ``X-Edu-Client-Address`` together with
``X-Edu-Proxy-Token: <EDU_PROXY_TOKEN>``; a service believes the address only when the token
equals its own ``EDU_PROXY_TOKEN`` (compared in constant time) and the value is one IP address.
Otherwise the peer address of the connection counts, and the headers are ignored: a client
cannot forge its address without the secret. ``X-Forwarded-For`` is never read.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping

from pydantic import SecretStr

CLIENT_ADDRESS_HEADER = "X-Edu-Client-Address"
PROXY_TOKEN_HEADER = "X-Edu-Proxy-Token"  # noqa: S105 - a header name, not a secret
UNKNOWN = "unknown"
# The development and test value of EDU_PROXY_TOKEN, shared by web and the services so local
# stacks forward addresses; the settings base refuses it anywhere else (DEV_SECRET_PREFIX).
DEVELOPMENT_PROXY_TOKEN = SecretStr("dev-only-proxy-token")
# IPv6 visitors are throttled per /64: one household or machine usually holds a whole /64.
IPV6_THROTTLE_PREFIX = 64


def client_address(
    headers: Mapping[str, str], peer: str | None, proxy_token: SecretStr | None
) -> str:
    """The forwarded address when ``headers`` carry our proxy token, else the peer address.

    ``headers`` must look names up case-insensitively (Starlette's ``Headers`` do).
    """
    forwarded = headers.get(CLIENT_ADDRESS_HEADER)
    if forwarded is not None and _is_trusted(headers.get(PROXY_TOKEN_HEADER), proxy_token):
        parsed = _parse(forwarded)
        if parsed is not None:
            return parsed
    return peer or UNKNOWN


def forwarding_headers(address: str, proxy_token: SecretStr) -> dict[str, str]:
    """The headers a proxy adds to a call it makes on behalf of the visitor at ``address``."""
    return {
        CLIENT_ADDRESS_HEADER: address,
        PROXY_TOKEN_HEADER: proxy_token.get_secret_value(),
    }


def throttling_key(address: str) -> str:
    """What a per-address limit counts under: the IPv4 address, or the IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        network = ipaddress.ip_network(f"{parsed}/{IPV6_THROTTLE_PREFIX}", strict=False)
        return str(network)
    return str(parsed)


def _is_trusted(presented: str | None, proxy_token: SecretStr | None) -> bool:
    if presented is None or proxy_token is None:
        return False
    expected = proxy_token.get_secret_value()
    if not expected:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


def _parse(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None  # not one address (a list, a port, garbage): trust nothing from it
