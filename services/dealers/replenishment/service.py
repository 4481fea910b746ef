"""Replenishment proposals: a computation over a scope, stored under one computation id, and the
stored proposals. A computation is set-based: one query gathers per location × product the
window's Σq and Σq², the stock position, the open orders and the policy (`inputs`). On
PostgreSQL the figures are computed in the same statement, which inserts the proposals
(`sql_engine`); on SQLite the same inputs are read and the figures computed by the same formulas
in the same order of floating-point operations (`python_engine`), so both databases store the
same numbers."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.bulk import is_postgres
from chassis.db import new_id
from chassis.identity import Principal
from chassis.pagination import encode_cursor
from chassis.queries import page
from services.dealers.models import ReplenishmentProposal
from services.dealers.partners import partners_own
from services.dealers.replenishment.inputs import inputs, places, proposal_id, sales
from services.dealers.replenishment.python_engine import compute_in_python
from services.dealers.replenishment.schemas import ComputeRequest
from services.dealers.replenishment.sql_engine import compute_in_sql


@dataclass(frozen=True)
class Computed:
    computation_id: UUID
    as_of: date
    window_days: int
    pairs: int
    reorder: int
    stock_out: int


def before_first(computation_id: UUID) -> str:
    """A cursor just before a computation's first proposal: its page is then a short range of
    the primary key instead of a sort of the whole computation."""
    return encode_cursor(proposal_id(computation_id, 0))


async def compute(session: AsyncSession, scope: ComputeRequest, *, caller: Principal) -> Computed:
    """Proposals for every location × product in scope that has a stock position or sales in the
    window, stored under one computation id; the reorder point recorded on each stock position."""
    last = scope.as_of or datetime.now(UTC).date()
    first = last - timedelta(days=scope.window_days - 1)
    computation_id = new_id()
    constants: dict[str, Any] = {
        "computation_id": computation_id,
        "computed_at": datetime.now(UTC),
        "as_of": last,
        "window_days": scope.window_days,
    }
    window = sales(places(scope, caller), scope, first, last)
    if is_postgres(session):
        counts = await compute_in_sql(session, scope, caller, window, constants)
    else:
        rows = inputs(scope, caller, window.cte("sales"))
        counts = await compute_in_python(session, rows, constants)
    return Computed(computation_id, last, scope.window_days, *counts)


async def list_proposals(
    session: AsyncSession, *, caller: Principal, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ReplenishmentProposal], str | None]:
    stmt = partners_own(select(ReplenishmentProposal), ReplenishmentProposal, caller)
    return await page(
        session, ReplenishmentProposal, filters, limit=limit, cursor=cursor, stmt=stmt
    )
