"""In-memory stand-ins for identity's ports (``Fake<Port>``, keeping what they saw), for tests:
identity's and the seed's. Not shipped: the wheel leaves this module out and no service code
imports it."""

from __future__ import annotations

import copy
import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from edu.common.clock import Clock
from edu.db.outbox.event import OutboxEvent
from edu.db.testing import FakeOutbox, FakeUnitOfWork
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.refresh_tokens import RefreshToken, RefreshTokenFamily
from edu.identity.domain.user import EmailAlreadyRegistered, User
from edu.identity.service_layer.throttling import WindowFull


class FakeUserRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, User] = {}

    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self.rows.values()):
            raise EmailAlreadyRegistered()
        self.rows[user.id] = copy.deepcopy(user)

    async def get(self, user_id: UUID) -> User | None:
        return copy.deepcopy(self.rows.get(user_id))

    async def get_by_email(self, email: EmailAddress) -> User | None:
        found = [u for u in self.rows.values() if u.email == email]
        return copy.deepcopy(found[0]) if found else None

    async def save(self, user: User) -> None:
        self.rows[user.id] = copy.deepcopy(user)

    async def set_password_hash(self, user_id: UUID, password_hash: str) -> None:
        self.rows[user_id].password_hash = password_hash


class FakeRefreshTokenRepository:
    def __init__(self) -> None:
        self.families: dict[UUID, RefreshTokenFamily] = {}
        self.tokens: dict[str, RefreshToken] = {}

    async def add_family(self, family: RefreshTokenFamily) -> None:
        self.families[family.id] = copy.copy(family)

    async def add_token(self, token: RefreshToken) -> None:
        self.tokens[token.token_hash] = copy.copy(token)

    async def token_for_update(self, token_hash: str) -> RefreshToken | None:
        return copy.copy(self.tokens.get(token_hash))

    async def family_for_update(self, family_id: UUID) -> RefreshTokenFamily | None:
        return copy.copy(self.families.get(family_id))

    async def save_token(self, token: RefreshToken) -> None:
        self.tokens[token.token_hash] = copy.copy(token)

    async def save_family(self, family: RefreshTokenFamily) -> None:
        self.families[family.id] = copy.copy(family)


class FakeIdentityUnitOfWork(FakeUnitOfWork):
    """Writes go straight to the shared fake repositories; ``commits`` counts commits and
    ``events`` holds the outbox events of committed units only."""

    def __init__(self, users: FakeUserRepository, tokens: FakeRefreshTokenRepository) -> None:
        self.users = users
        self.refresh_tokens = tokens
        self._outbox = FakeOutbox()
        self.committed_events: list[OutboxEvent] = []
        self.commits = 0

    @property
    def outbox(self) -> FakeOutbox:
        return self._outbox

    def _begin(self) -> None:
        self._outbox = FakeOutbox()

    def _discard(self) -> None:
        self._outbox = FakeOutbox()

    def _keep(self) -> None:
        self.commits += 1
        self.committed_events.extend(self._outbox.events)
        self._outbox = FakeOutbox()


class FakePasswordHasher:
    """Reversible "hashes" (``fake$<password>``): fast, and visibly not the real thing."""

    def __init__(self) -> None:
        self.verified: list[str] = []
        self.outdated: set[str] = set()

    async def hash(self, password: str) -> str:
        return f"fake${password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password)
        return password_hash == f"fake${password}"

    async def verify_nothing(self, password: str) -> None:
        self.verified.append(password)

    def needs_rehash(self, password_hash: str) -> bool:
        return password_hash in self.outdated


class FakeAttemptStore:
    """The sliding-window rule in memory: at most ``limit`` standing attempts per key."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.attempts: dict[str, dict[str, float]] = defaultdict(dict)
        self.members: dict[str, set[str]] = defaultdict(set)
        self.released: list[str] = []

    async def reserve(self, keys: Sequence[str], *, limit: int, window_seconds: int) -> str:
        now = self._clock.now().timestamp()
        wait = 0.0
        for key in keys:
            standing = {t: at for t, at in self.attempts[key].items() if at > now - window_seconds}
            self.attempts[key] = standing
            if len(standing) >= limit:
                wait = max(wait, min(standing.values()) + window_seconds - now)
        if wait > 0:
            raise WindowFull(math.ceil(wait))
        token = uuid.uuid4().hex
        for key in keys:
            self.attempts[key][token] = now
        return token

    async def release(self, keys: Sequence[str], token: str) -> None:
        self.released.append(token)
        for key in keys:
            self.attempts[key].pop(token, None)

    async def is_member(self, key: str, member: str) -> bool:
        return member in self.members[key]

    async def remember(self, key: str, member: str, *, ttl_seconds: int) -> None:
        self.members[key].add(member)
