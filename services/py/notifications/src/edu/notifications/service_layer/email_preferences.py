"""Which optional emails a user wants."""

from __future__ import annotations

from uuid import UUID

from edu.notifications.domain.preferences import Preferences
from edu.notifications.service_layer.ports import UnitOfWorkFactory


class EmailPreferences:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def of(self, user_id: UUID) -> Preferences:
        """The user's preferences (everything on until they switch something off)."""
        async with self._uow() as uow:
            return await uow.preferences.get(user_id)

    async def change(self, user_id: UUID, *, enrollment_emails: bool) -> Preferences:
        """Switch the optional enrolment-confirmation emails on or off."""
        preferences = Preferences(user_id=user_id, enrollment_emails=enrollment_emails)
        async with self._uow() as uow:
            await uow.preferences.save(preferences)
            await uow.commit()
        return preferences
