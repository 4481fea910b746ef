"""copies of regions and assignments, inbound references; the advisor from assignments

What this service keeps from the other services' feeds: its copy of regions (the region a dealer,
an outlet or a channel conflict names is checked against it), its copy of advisors' assignments
(the advisor serving a dealer is read from it), and the assignments and visits that name its
dealers and outlets. `dealers.advisor_id` goes: the advisors service's assignments decide it, and
the consumer fills the copy from the start of their feed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:57:31.572990

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import chassis.db


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('synced_at', chassis.db.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        'region_copies',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('level', sa.String(length=30), nullable=True),
        sa.Column('parent_id', sa.Uuid(), nullable=True),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_region_copies')),
    )
    op.create_table(
        'assignment_copies',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('advisor_id', sa.Uuid(), nullable=True),
        sa.Column('account_kind', sa.String(length=10), nullable=True),
        sa.Column('account_id', sa.Uuid(), nullable=True),
        sa.Column('is_main', sa.Boolean(), nullable=True),
        sa.Column('from_date', sa.Date(), nullable=True),
        sa.Column('to_date', sa.Date(), nullable=True),
        *_bookkeeping(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_copies')),
    )
    op.create_index(
        'ix_assignment_copies_account_id_from_date',
        'assignment_copies',
        ['account_id', 'from_date'],
        unique=False,
    )
    op.create_table(
        'inbound_references',
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('referrer_id', sa.Uuid(), nullable=False),
        sa.Column('target_id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'referrer_id', name=op.f('pk_inbound_references')),
    )
    op.create_index(
        op.f('ix_inbound_references_target_id'), 'inbound_references', ['target_id'], unique=False
    )
    # a plain DROP COLUMN (SQLite ≥ 3.35 too): rebuilding `dealers` would trip the foreign keys
    # that name it
    op.drop_index('ix_dealers_advisor_id', table_name='dealers')
    op.drop_column('dealers', 'advisor_id')


def downgrade() -> None:
    op.add_column('dealers', sa.Column('advisor_id', sa.Uuid(), nullable=True))
    op.create_index('ix_dealers_advisor_id', 'dealers', ['advisor_id'], unique=False)
    op.drop_index(op.f('ix_inbound_references_target_id'), table_name='inbound_references')
    op.drop_table('inbound_references')
    op.drop_index('ix_assignment_copies_account_id_from_date', table_name='assignment_copies')
    op.drop_table('assignment_copies')
    op.drop_table('region_copies')
