"""Rules and queries of support activities: each type belongs to one flow; partners read their
dealers' log; the summary counts activities per dealer, month and flow in one GROUP BY."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Forbidden, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, no_nulls, page
from services.dealers.models import ACTIVITY_TYPES, Flow, SupportActivity, tables
from services.dealers.partners import get_owned, known_dealers
from services.dealers.periods import month_of, plausible
from services.dealers.support.schemas import (
    SummaryRow,
    SupportActivityCreate,
    SupportActivityPublic,
    SupportActivityUpdate,
)

_REQUIRED = ("flow", "activity_type", "activity_on", "description")


def authorize_write(caller: Principal) -> None:
    if caller.is_partner:
        raise Forbidden("partners read the support log but do not write it")


async def get(session: AsyncSession, activity_id: UUID, *, caller: Principal) -> SupportActivity:
    return await get_owned(session, SupportActivity, activity_id, "Support activity", caller)


def _scoped(stmt: Any, caller: Principal, dealer_id: UUID | None) -> Any:
    if caller.is_partner:
        stmt = stmt.where(col(SupportActivity.dealer_id).in_(caller.dealer_ids))
    if dealer_id is not None:
        stmt = stmt.where(col(SupportActivity.dealer_id) == dealer_id)
    return stmt


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    dealer_id: UUID | None = None,
    flow: Flow | None = None,
    activity_type: str | None = None,
    advisor_id: UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[list[SupportActivity], str | None]:
    stmt = _dated(_scoped(select(SupportActivity), caller, dealer_id), date_from, date_to)
    filters = {"flow": flow, "activity_type": activity_type, "advisor_id": advisor_id}
    return await page(session, SupportActivity, filters, limit=limit, cursor=cursor, stmt=stmt)


def _dated(stmt: Any, date_from: date | None, date_to: date | None) -> Any:
    if date_from is not None:
        stmt = stmt.where(col(SupportActivity.activity_on) >= date_from)
    if date_to is not None:
        stmt = stmt.where(col(SupportActivity.activity_on) <= date_to)
    return stmt


def _check_type(flow: Flow, activity_type: str) -> None:
    if activity_type not in ACTIVITY_TYPES[flow]:
        allowed = ", ".join(ACTIVITY_TYPES[flow])
        raise field_error("#/activity_type", f"is not a {flow} flow activity (one of {allowed})")


async def create(
    session: AsyncSession, data: SupportActivityCreate, *, caller: Principal
) -> SupportActivity:
    authorize_write(caller)
    _check_type(data.flow, data.activity_type)
    if not await known_dealers(session, [data.dealer_id], caller):
        raise field_error("#/dealer_id", f"dealer {data.dealer_id} does not exist")
    activity = SupportActivity(**data.model_dump())
    session.add(activity)
    await session.flush()
    await _emit(session, "support_activity.created", activity, caller)
    return activity


async def update(
    session: AsyncSession,
    activity: SupportActivity,
    data: SupportActivityUpdate,
    *,
    caller: Principal,
) -> SupportActivity:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, _REQUIRED)
    flow = Flow(changes.get("flow", activity.flow))
    _check_type(flow, changes.get("activity_type", activity.activity_type))
    apply_changes(activity, changes)
    await session.flush()
    await _emit(session, "support_activity.updated", activity, caller)
    return activity


async def delete(session: AsyncSession, activity: SupportActivity, *, caller: Principal) -> None:
    await _emit(session, "support_activity.deleted", activity, caller)
    await session.delete(activity)
    await session.flush()


async def summary(
    session: AsyncSession,
    *,
    caller: Principal,
    dealer_id: UUID | None,
    date_from: date | None,
    date_to: date | None,
) -> list[SummaryRow]:
    """Activities per dealer, month and flow. Only days the API accepts count: an older row
    dated outside them (which PostgreSQL may hold as ±infinity) has no month to report."""
    day = col(SupportActivity.activity_on)
    month = month_of(session, day).label("period")
    dealer, flow = col(SupportActivity.dealer_id), col(SupportActivity.flow)
    stmt = select(dealer, month, flow, func.count().label("activities")).where(plausible(day))
    stmt = _dated(_scoped(stmt, caller, dealer_id), date_from, date_to)
    stmt = stmt.group_by(dealer, month, flow).order_by(dealer, month, flow)
    rows = (await session.execute(stmt)).all()
    return [SummaryRow(dealer_id=d, period=p, flow=f, activities=n) for d, p, f, n in rows]


async def _emit(
    session: AsyncSession, type: str, activity: SupportActivity, caller: Principal
) -> None:
    data = SupportActivityPublic.model_validate(activity).model_dump(mode="json")
    await emit(
        session,
        tables.outbox,
        type,
        data | {"actor": caller.subject},
        dealer_ids=[activity.dealer_id],
    )
