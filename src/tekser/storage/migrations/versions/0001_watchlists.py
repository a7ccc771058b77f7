"""Watchlists: versions, entries, active pointers, failures, policy, fetch state.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "raw_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_raw_files"),
    )
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("reader", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("retrieved_at", TZ, nullable=False),
        sa.Column("imported_at", TZ, nullable=False),
        sa.Column("published_at", TZ),
        sa.Column("imported_by", sa.String(128), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.Integer, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("unparsed", sa.JSON, nullable=False),
        sa.Column("checks", sa.JSON, nullable=False),
        sa.Column("previous_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_list_versions"),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["list_versions.id"], name="fk_list_versions_previous_id_list_versions"
        ),
        sa.UniqueConstraint("list_id", "number", name="uq_list_versions_list_number"),
    )
    op.create_table(
        "version_files",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "name", name="pk_version_files"),
        sa.ForeignKeyConstraint(["version_id"], ["list_versions.id"], name="fk_version_files_version_id_list_versions"),
        sa.ForeignKeyConstraint(["sha256"], ["raw_files.sha256"], name="fk_version_files_sha256_raw_files"),
    )
    op.create_table(
        "entry_blobs",
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("hash", name="pk_entry_blobs"),
    )
    op.create_table(
        "version_entries",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("version_id", "key", name="pk_version_entries"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["list_versions.id"], name="fk_version_entries_version_id_list_versions"
        ),
        sa.ForeignKeyConstraint(["entry_hash"], ["entry_blobs.hash"], name="fk_version_entries_entry_hash_entry_blobs"),
    )
    op.create_table(
        "active_versions",
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("activated_at", TZ, nullable=False),
        sa.Column("activated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("list_id", name="pk_active_versions"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["list_versions.id"], name="fk_active_versions_version_id_list_versions"
        ),
    )
    op.create_table(
        "import_failures",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("list_id", sa.String(64)),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("failed_at", TZ, nullable=False),
        sa.Column("attempted_by", sa.String(128), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_failures"),
    )
    op.create_index("ix_import_failures_failed_at", "import_failures", ["failed_at"])
    op.create_table(
        "failure_files",
        sa.Column("failure_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("failure_id", "name", name="pk_failure_files"),
        sa.ForeignKeyConstraint(
            ["failure_id"], ["import_failures.id"], name="fk_failure_files_failure_id_import_failures"
        ),
        sa.ForeignKeyConstraint(["sha256"], ["raw_files.sha256"], name="fk_failure_files_sha256_raw_files"),
    )
    op.create_table(
        "policy_events",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_policy_events"),
    )
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("etag", sa.String(255)),
        sa.Column("last_modified", sa.String(64)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("fetched_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_fetch_state"),
    )


def downgrade() -> None:
    for table in (
        "fetch_state",
        "policy_events",
        "failure_files",
        "import_failures",
        "active_versions",
        "version_entries",
        "entry_blobs",
        "version_files",
        "list_versions",
        "raw_files",
    ):
        op.drop_table(table)
