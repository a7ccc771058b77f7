"""Alembic environment: runs on the connection tekser hands over (see tekser.storage.database)."""

from __future__ import annotations

from alembic import context

from tekser.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - tekser always passes its connection
    raise RuntimeError("tekser migrations run through `tekser db upgrade`, which provides the connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
