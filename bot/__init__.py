"""Cohort bot: lesson critiques, draft reviews and follow-up reminders for learning cohorts."""

__version__ = "0.1.0"
