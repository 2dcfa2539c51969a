"""Application services: one class per feature, taking its dependencies explicitly, using
storage and the domain, never discord. Built once in `CohortBot` and handed to the cogs."""
