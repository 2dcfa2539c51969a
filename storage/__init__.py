"""The storage layer: the only place with SQL.

`Database` owns the one aiosqlite connection; one module per table group builds on it.
Snowflakes are INTEGER; times are UTC epoch milliseconds everywhere.
"""

from storage.db import SCHEMA_VERSION, Database

__all__ = ["SCHEMA_VERSION", "Database"]
