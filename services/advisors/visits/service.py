"""Visit rules: "take a plan out, bring a report back", in order, with check-ins located."""

from datetime import UTC, date, datetime
from math import asin, cos, radians, sin, sqrt
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, NotFound, field_error
from services.advisors.common import apply, emit_record, fetch, must_exist, page
from services.advisors.models import ActionPlan, Advisor, Assignment, Visit, VisitStatus
from services.advisors.visits.schemas import (
    CheckIn,
    Miss,
    VisitCreate,
    VisitPublic,
    VisitReport,
    VisitUpdate,
)

FAR_METRES = 500.0
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))


async def get(session: AsyncSession, visit_id: UUID, *, for_update: bool = False) -> Visit:
    if not for_update:
        return await fetch(session, Visit, visit_id, "Visit")
    # a transition reads the status it changes: racing transitions take turns
    visit = await session.get(Visit, visit_id, with_for_update=True, populate_existing=True)
    if visit is None:
        raise NotFound(f"Visit {visit_id} does not exist.")
    return visit


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    planned_from: date | None,
    planned_to: date | None,
    **filters: Any,
) -> tuple[list[Visit], str | None]:
    stmt = select(Visit)
    if planned_from is not None:
        stmt = stmt.where(col(Visit.planned_date) >= planned_from)
    if planned_to is not None:
        stmt = stmt.where(col(Visit.planned_date) <= planned_to)
    return await page(session, Visit, filters, limit=limit, cursor=cursor, stmt=stmt)


async def create(session: AsyncSession, data: VisitCreate, *, actor: str) -> Visit:
    if data.unplanned and not data.unplanned_reason:
        raise field_error("#/unplanned_reason", "an unplanned visit needs a reason")
    if data.unplanned_reason and not data.unplanned:
        raise field_error("#/unplanned_reason", "is only for visits flagged unplanned")
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    if data.action_plan_id is not None:
        plan = await must_exist(session, ActionPlan, data.action_plan_id, "#/action_plan_id")
        if plan.advisor_id != data.advisor_id:
            raise field_error("#/action_plan_id", "is another advisor's plan")
    visit = Visit(**data.model_dump())
    session.add(visit)
    await session.flush()
    await _emit(session, "visit.created", visit, actor)
    return visit


async def update(session: AsyncSession, visit: Visit, data: VisitUpdate, *, actor: str) -> Visit:
    changes = data.model_dump(exclude_unset=True)
    if changes.get("planned_date", 0) is None:
        raise field_error("#/planned_date", "may not be null")
    _require(visit, VisitStatus.planned, "change its plan")
    apply(visit, changes)
    await session.flush()
    await _emit(session, "visit.updated", visit, actor)
    return visit


def _require(visit: Visit, status: VisitStatus, doing: str) -> None:
    if visit.status != status:
        raise Conflict(
            f"Visit {visit.id} is {visit.status}; only a {status} visit can {doing}.",
            field="status",
        )


def _require_plan(visit: Visit) -> None:
    if not visit.unplanned and not visit.purpose:
        raise Conflict(
            f"Visit {visit.id} has no plan: set its purpose first, or flag it unplanned "
            "with a reason (take a plan out, bring a report back).",
            field="purpose",
        )


async def check_in(session: AsyncSession, visit: Visit, data: CheckIn, *, actor: str) -> Visit:
    _require(visit, VisitStatus.planned, "check in")
    _require_plan(visit)
    known = await _account_location(session, visit.account_id)
    distance = haversine_m(*known, data.latitude, data.longitude) if known else None
    apply(
        visit,
        {
            "status": VisitStatus.checked_in,
            "checked_in_at": data.checked_in_at.astimezone(UTC),
            "latitude": data.latitude,
            "longitude": data.longitude,
            "distance_m": None if distance is None else round(distance, 1),
            "far_from_account": distance is not None and distance > FAR_METRES,
        },
    )
    await session.flush()
    await _emit(session, "visit.checked_in", visit, actor)
    return visit


async def _account_location(session: AsyncSession, account_id: UUID) -> tuple[float, float] | None:
    """The account's latest known coordinates, from its assignments."""
    row = (
        await session.execute(
            select(col(Assignment.account_latitude), col(Assignment.account_longitude))
            .where(
                col(Assignment.account_id) == account_id,
                col(Assignment.account_latitude).is_not(None),
                col(Assignment.account_longitude).is_not(None),
            )
            .order_by(col(Assignment.from_date).desc(), col(Assignment.id).desc())
            .limit(1)
        )
    ).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return (row[0], row[1])


async def report(session: AsyncSession, visit: Visit, data: VisitReport, *, actor: str) -> Visit:
    _require_plan(visit)
    _require(visit, VisitStatus.checked_in, "be reported")
    changes = data.model_dump() | {
        "status": VisitStatus.reported,
        "reported_at": datetime.now(UTC),
    }
    apply(visit, changes)
    await session.flush()
    await _emit(session, "visit.reported", visit, actor)
    return visit


async def miss(session: AsyncSession, visit: Visit, data: Miss, *, actor: str) -> Visit:
    _require(visit, VisitStatus.planned, "be missed")
    apply(visit, {"status": VisitStatus.missed, "missed_reason": data.reason})
    await session.flush()
    await _emit(session, "visit.missed", visit, actor)
    return visit


async def delete(session: AsyncSession, visit: Visit, *, actor: str) -> None:
    _require(visit, VisitStatus.planned, "be deleted")
    await _emit(session, "visit.deleted", visit, actor)
    await session.delete(visit)
    await session.flush()


async def _emit(session: AsyncSession, type_: str, visit: Visit, actor: str) -> None:
    await emit_record(session, type_, VisitPublic.model_validate(visit), actor)
