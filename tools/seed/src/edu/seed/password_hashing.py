"""identity's PasswordHasher port for seeding: one real argon2id hash for every seeded account.

argon2id at OWASP's parameters is deliberately slow (tens of milliseconds); hashing the same
password ten thousand times would make `seed L` mostly hashing. Every seeded account has the
same password, so the hash is computed once, for real, and reused; sign-up still runs its
password policy and stores a hash that identity's real verifier accepts at log-in. Any other
password is hashed normally.
"""

from __future__ import annotations

import asyncio

from edu.identity.service_layer.ports import PasswordHasher


class OneHashPerPassword:
    def __init__(self, real: PasswordHasher, shared_password: str) -> None:
        self._real = real
        self._shared_password = shared_password
        self._shared_hash: str | None = None
        self._lock = asyncio.Lock()

    async def hash(self, password: str) -> str:
        if password != self._shared_password:
            return await self._real.hash(password)
        async with self._lock:  # the first caller hashes; concurrent ones wait for its answer
            if self._shared_hash is None:
                self._shared_hash = await self._real.hash(password)
        return self._shared_hash

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._real.verify(password_hash, password)

    async def verify_nothing(self, password: str) -> None:
        await self._real.verify_nothing(password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._real.needs_rehash(password_hash)
