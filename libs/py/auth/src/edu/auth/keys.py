"""The key pair identity signs access tokens with, and its public half as a JWK.

ES256 (ECDSA on P-256): small keys and signatures, and a fresh key is generated in well under a
millisecond, which keeps development start-up and tests fast. The key id (``kid``) is the RFC 7638
thumbprint of the public key, so the same key always gets the same id on every replica.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from jwt.utils import base64url_encode

ALGORITHM = "ES256"


class InvalidSigningKey(ValueError):
    """The configured PEM is not a usable P-256 private key."""


@dataclass(frozen=True)
class SigningKey:
    """A P-256 private key with its key id."""

    private_key: ec.EllipticCurvePrivateKey
    kid: str

    @classmethod
    def generate(cls) -> SigningKey:
        return cls.from_private_key(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: str | bytes) -> SigningKey:
        data = pem.encode() if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise InvalidSigningKey(f"not a PEM private key without passphrase: {exc}") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise InvalidSigningKey("the signing key must be an EC P-256 (secp256r1) private key")
        return cls.from_private_key(key)

    @classmethod
    def from_private_key(cls, key: ec.EllipticCurvePrivateKey) -> SigningKey:
        return cls(private_key=key, kid=thumbprint(public_jwk_of(key.public_key())))

    def to_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK carrying its ``kid``, ``alg`` and ``use``."""
        jwk = public_jwk_of(self.private_key.public_key())
        return {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}


def public_jwk_of(key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(key, as_dict=True)
    return {name: jwk[name] for name in ("kty", "crv", "x", "y")}


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an EC public JWK."""
    canonical = json.dumps(
        {name: jwk[name] for name in ("crv", "kty", "x", "y")}, separators=(",", ":")
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(canonical.encode())
    return base64url_encode(digest.finalize()).decode()


def jwks_document(*keys: SigningKey) -> dict[str, Any]:
    """A JWKS (``{"keys": [...]}``) with the public halves of ``keys``."""
    return {"keys": [key.public_jwk() for key in keys]}
