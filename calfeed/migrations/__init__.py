"""Alembic migration scripts for calfeed's schema (run by `calfeed.store.upgrade`)."""
