"""Seeding accounts: sign up whoever is not registered yet (found again by email)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from edu.identity.service_layer.registration import SignUp
from edu.seed.report import Tally, in_parallel
from edu.seed.specs import SEED_PASSWORD, AccountSpec
from edu.seed.targets import SeedTargets


async def seed_accounts(
    targets: SeedTargets, specs: Sequence[AccountSpec], tally: Tally, limit: int
) -> dict[int, UUID]:
    """Every account in ``specs`` exists afterwards; returns their ids by spec index."""

    async def one(spec: AccountSpec) -> tuple[int, UUID]:
        user_id = await targets.find_account(spec.email)
        tally.count(created=user_id is None)
        if user_id is None:
            user = await targets.registration.sign_up(
                SignUp(email=spec.email, password=SEED_PASSWORD, as_teacher=spec.as_teacher)
            )
            user_id = user.id
        return spec.index, user_id

    return dict(await in_parallel(limit, specs, one))
