"""the key-market criterion `competitor_gap` becomes `gap_to_leader`

`competitor_gap` was the best competitor's share minus ours, negative when we led. The gap to
No. 1 has one definition in the service, the one the competitive landscape answers: the leader's
share minus ours, 0 when we lead. Models' criteria take the new name. Kept evaluations take it
in their inputs and breakdowns, each value becoming the gap (a negative one, 0); their scores
stay as they were computed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "competitor_gap", "gap_to_leader"

models = sa.table("key_market_models", sa.column("id", sa.Uuid()), sa.column("criteria", sa.JSON()))
evaluations = sa.table(
    "key_market_evaluations",
    sa.column("id", sa.Uuid()),
    sa.column("inputs", sa.JSON()),
    sa.column("result", sa.JSON()),
)


def _renamed(criteria: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    return [c | {"metric": new} if c.get("metric") == old else c for c in criteria]


def _as_gap(item: dict[str, Any]) -> dict[str, Any]:
    value = item.get("value")
    return item | {"metric": NEW, "value": None if value is None else max(0.0, value)}


def _result(result: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    def moved(item: dict[str, Any]) -> dict[str, Any]:
        if item.get("metric") != old:
            return item
        return _as_gap(item) if new == NEW else item | {"metric": new}

    return [r | {"breakdown": [moved(b) for b in r.get("breakdown", [])]} for r in result]


def _rename(old: str, new: str) -> None:
    bind = op.get_bind()
    mentions = sa.cast(models.c.criteria, sa.Text).like(f"%{old}%")
    for id_, criteria in bind.execute(sa.select(models.c.id, models.c.criteria).where(mentions)):
        renamed = _renamed(criteria, old, new)
        bind.execute(models.update().where(models.c.id == id_).values(criteria=renamed))
    e = evaluations.c
    mentions = sa.cast(e.inputs, sa.Text).like(f"%{old}%")
    for id_, inputs, result in bind.execute(sa.select(e.id, e.inputs, e.result).where(mentions)):
        inputs = inputs | {"criteria": _renamed(inputs.get("criteria", []), old, new)}
        values = {"inputs": inputs, "result": _result(result, old, new)}
        bind.execute(evaluations.update().where(e.id == id_).values(**values))


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)
