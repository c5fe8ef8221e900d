"""The seed's password hasher: one real hash for the shared password, normal hashing otherwise."""

from __future__ import annotations

import asyncio

from edu.identity.testing import FakePasswordHasher
from edu.seed.password_hashing import OneHashPerPassword


class CountingHasher(FakePasswordHasher):
    def __init__(self) -> None:
        super().__init__()
        self.hashed: list[str] = []

    async def hash(self, password: str) -> str:
        self.hashed.append(password)
        await asyncio.sleep(0)  # let concurrent callers interleave, as a thread would
        return await super().hash(password)


class TestOneHashPerPassword:
    async def test_hashes_the_shared_password_once_however_many_accounts_use_it(self) -> None:
        real = CountingHasher()
        hasher = OneHashPerPassword(real, "shared passphrase")
        hashes = await asyncio.gather(*(hasher.hash("shared passphrase") for _ in range(20)))
        assert real.hashed == ["shared passphrase"]
        assert set(hashes) == {"fake$shared passphrase"}

    async def test_hashes_any_other_password_every_time(self) -> None:
        real = CountingHasher()
        hasher = OneHashPerPassword(real, "shared passphrase")
        await hasher.hash("another one here")
        await hasher.hash("another one here")
        assert real.hashed == ["another one here", "another one here"]

    async def test_verifies_with_the_real_hasher(self) -> None:
        hasher = OneHashPerPassword(CountingHasher(), "shared passphrase")
        stored = await hasher.hash("shared passphrase")
        assert await hasher.verify(stored, "shared passphrase")
        assert not await hasher.verify(stored, "wrong passphrase")
