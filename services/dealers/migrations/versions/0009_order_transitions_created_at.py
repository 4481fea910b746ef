"""order transitions record when they were recorded

A move's `at` is when it happened (an ERP may record it after the fact); `created_at` is when
the service recorded it, as every other history of the platform keeps. Existing moves take
their `at`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import chassis.db

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_transitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", chassis.db.UTCDateTime(timezone=True)))
    op.execute("UPDATE order_transitions SET created_at = at")
    with op.batch_alter_table("order_transitions", schema=None) as batch_op:
        batch_op.alter_column(
            "created_at", existing_type=chassis.db.UTCDateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("order_transitions", schema=None) as batch_op:
        batch_op.drop_column("created_at")
