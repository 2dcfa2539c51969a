"""Per-member settings: the timezone a member's times are read and shown in."""

from __future__ import annotations

from bot.clock import Clock, to_ms
from bot.services.gate import MemberGate
from storage import Database
from storage import settings as settings_store


class SettingsService:
    def __init__(self, db: Database, clock: Clock, cohort_zone: str, *,
                 gate: MemberGate) -> None:
        self._db, self._clock, self._gate = db, clock, gate
        self.cohort_zone = cohort_zone

    async def own_zone(self, user_id: int) -> str | None:
        """The zone the member set, None if they never did."""
        return await settings_store.timezone_of(self._db, user_id)

    async def zone_of(self, user_id: int) -> str:
        """The zone that applies to the member: theirs, else the cohort's."""
        return await self.own_zone(user_id) or self.cohort_zone

    async def set_zone(self, user_id: int, zone: str | None) -> None:
        """Set the member's zone (a name from `bot.settings.resolve_zone`); None = the
        cohort's again."""
        async with self._gate.writing(user_id):
            await settings_store.set_timezone(self._db, user_id, zone,
                                              to_ms(self._clock.now()))
