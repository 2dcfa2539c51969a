"""The application services: one per feature, built once by `CohortBot` (bot/client.py) and
handed to the cogs as `bot.services.<feature>`.

A service takes what it depends on explicitly: the database, the clock, the scheduler, its
config section, the services it builds on, and a *port*, a small Protocol for what Discord
must do for it (post, delete, lock, read history; implemented in `cogs/<feature>/_port.py`).
It uses storage and the domain and never imports discord, so the rules of a feature are in
one place whether a slash command, a button, the scheduler or start-up calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.scheduler import Scheduler
from bot.services.critiques import CritiquesPort, CritiquesService
from bot.services.discussion import DiscussionPort, DiscussionService
from bot.services.export import ExportService
from bot.services.followups import FollowupsPort, FollowupsService
from bot.services.gate import MemberGate
from bot.services.lessons import LessonsService
from bot.services.privacy import PrivacyPort, PrivacyService
from bot.services.review import ReviewService
from bot.services.runs import RunSchedule, RunsPort, RunsService
from bot.services.settings import SettingsService
from storage import Database


@dataclass(frozen=True)
class Ports:
    """The Discord side of every service that needs one."""

    runs: RunsPort
    critiques: CritiquesPort
    discussion: DiscussionPort
    privacy: PrivacyPort
    followups: FollowupsPort


@dataclass(frozen=True)
class Services:
    lessons: LessonsService
    runs: RunsService
    critiques: CritiquesService
    discussion: DiscussionService
    review: ReviewService
    settings: SettingsService
    followups: FollowupsService
    privacy: PrivacyService
    export: ExportService
    gate: MemberGate

    @classmethod
    def build(cls, config: Config, db: Database, clock: Clock, scheduler: Scheduler,
              ports: Ports) -> Services:
        lessons = LessonsService(config.lesson)
        gate = MemberGate()  # every write of member content against /forget-me
        discussion = DiscussionService(db, clock, ports.discussion, gate=gate)
        review = ReviewService(db, clock, config.review, gate=gate)
        runs = RunsService(db, clock, scheduler, RunSchedule.of(config), lessons, discussion,
                           ports.runs)
        settings = SettingsService(db, clock, config.cohort.timezone, gate=gate)
        followups = FollowupsService(db, clock, scheduler, config.followups, review, settings,
                                    ports.followups, gate=gate)
        critiques = CritiquesService(
            db, clock, ports.critiques, gate=gate,
            redo_summaries=lambda run_id: runs.refresh_summaries([run_id]))
        privacy = PrivacyService(db, discussion, followups, runs, critiques, ports.privacy,
                                 gate=gate)
        privacy.holds(review)  # the drafts under reviews (the cogs register their forms)
        return cls(
            lessons=lessons,
            runs=runs,
            critiques=critiques,
            discussion=discussion,
            review=review,
            settings=settings,
            followups=followups,
            privacy=privacy,
            gate=gate,
            # Its own read-only connection to the same file (a snapshot per export), and the
            # lessons as loaded.
            export=ExportService(db.path, timezone=config.cohort.tz,
                                 lessons=lambda: lessons.catalog, clock=clock),
        )

    async def start(self) -> None:
        """Load what the services hold in memory: the lessons, the threads capture watches."""
        await self.lessons.reload()
        await self.discussion.refresh_threads()

    async def close(self) -> None:
        """Write what is still queued (the database closes next)."""
        await self.discussion.close()


__all__ = ["Ports", "Services"]
