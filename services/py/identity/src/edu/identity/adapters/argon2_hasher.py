"""argon2id password hashing (argon2-cffi), off the event loop.

Defaults are OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane. Hashes
carry their parameters, so raising them later rehashes each password at its next log-in.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher as Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


class Argon2PasswordHasher:
    def __init__(
        self,
        *,
        memory_kib: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
    ) -> None:
        self._argon2 = Argon2(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        # A real hash of a random password: verifying against it costs what a real check does.
        self._decoy = self._argon2.hash("decoy password that matches nothing")

    @classmethod
    def cheap_for_tests(cls) -> Argon2PasswordHasher:
        """Real argon2id at the library's lowest cost, for tests that log in many times."""
        return cls(memory_kib=8, time_cost=1, parallelism=1)

    async def hash(self, password: str) -> str:
        # argon2-cffi releases the GIL while hashing, so a thread keeps the loop responsive.
        return await asyncio.to_thread(self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self._argon2.verify, password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def verify_nothing(self, password: str) -> None:
        await self.verify(self._decoy, password + "\x00")

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
