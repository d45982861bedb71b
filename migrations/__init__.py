"""Alembic revisions, written by hand and named by date and domain."""
