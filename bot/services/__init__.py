"""Application services: one per feature, built once in `CohortBot.setup_hook`."""
