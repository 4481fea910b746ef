"""Visit rules: "take a plan out, bring a report back", in order, with check-ins located."""

from datetime import date
from math import asin, cos, radians, sin, sqrt
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.events import emit_record
from services.advisors.feeds import DEALER_COPY, OUTLET_COPY
from services.advisors.models import AccountKind, ActionPlan, Advisor, Visit, VisitStatus
from services.advisors.references import References
from services.advisors.transitions import check_move, check_version, when
from services.advisors.visits.schemas import (
    VisitBackToPlanned,
    VisitCheckIn,
    VisitCreate,
    VisitMiss,
    VisitPublic,
    VisitReport,
    VisitUpdate,
)

FAR_METRES = 500.0
EARTH_RADIUS_M = 6_371_008.8
MOVES = {
    VisitStatus.planned: {VisitStatus.checked_in, VisitStatus.missed},
    VisitStatus.checked_in: {VisitStatus.reported},
    VisitStatus.reported: set(),
    VisitStatus.missed: set(),
}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))


async def get(session: AsyncSession, visit_id: UUID, *, lock: bool = False) -> Visit:
    # a change reads the status it changes: racing changes take turns on the row
    return await get_or_404(session, Visit, visit_id, "Visit", for_update=lock)


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


async def create(
    session: AsyncSession, data: VisitCreate, *, caller: Principal, refs: References
) -> Visit:
    if data.unplanned and not data.unplanned_reason:
        raise field_error("#/unplanned_reason", "an unplanned visit needs a reason")
    if data.unplanned_reason and not data.unplanned:
        raise field_error("#/unplanned_reason", "is only for visits flagged unplanned")
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    if data.action_plan_id is not None:
        plan = await must_exist(session, ActionPlan, data.action_plan_id, "#/action_plan_id")
        if plan.advisor_id != data.advisor_id:
            raise field_error("#/action_plan_id", "is another advisor's plan")
    await refs.check_account(session, data.account_kind, data.account_id, "#/account_id")
    visit = Visit(**data.model_dump())
    session.add(visit)
    await session.flush()
    await _emit(session, "visit.created", visit, caller)
    return visit


async def update(
    session: AsyncSession, visit: Visit, data: VisitUpdate, *, caller: Principal
) -> Visit:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("planned_date",))
    _require_planned(visit, "change its plan")
    apply_changes(visit, changes)
    await session.flush()
    await _emit(session, "visit.updated", visit, caller)
    return visit


def _require_planned(visit: Visit, doing: str) -> None:
    if visit.status != VisitStatus.planned:
        raise Conflict(
            f"Visit {visit.id} is {visit.status}; only a planned visit can {doing}.",
            field="status",
        )


def _require_plan(visit: Visit) -> None:
    if not visit.unplanned and not visit.purpose:
        raise Conflict(
            f"Visit {visit.id} has no plan: set its purpose first, or flag it unplanned "
            "with a reason (take a plan out, bring a report back).",
            field="purpose",
        )


Transition = VisitCheckIn | VisitReport | VisitMiss | VisitBackToPlanned


async def transition(
    session: AsyncSession,
    visit_id: UUID,
    data: Transition,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> Visit:
    """One move under the visit's row lock: of racing moves, the later ones see the first."""
    visit = await get(session, visit_id, lock=True)
    check_version(if_match, visit.version)
    check_move(f"Visit {visit.id}", visit.status, data.to, MOVES)
    if isinstance(data, VisitCheckIn):
        _require_plan(visit)
        await _check_in(session, visit, data)
    elif isinstance(data, VisitReport):
        _require_plan(visit)
        report = data.model_dump(exclude={"to", "at", "reason"})
        reported_at = when(data.at, visit.checked_in_at)
        apply_changes(visit, report | {"status": VisitStatus.reported, "reported_at": reported_at})
    elif isinstance(data, VisitMiss):
        apply_changes(visit, {"status": VisitStatus.missed, "missed_reason": data.reason})
    await session.flush()
    await _emit(session, f"visit.{visit.status}", visit, caller, reason=data.reason)
    return visit


async def _check_in(session: AsyncSession, visit: Visit, data: VisitCheckIn) -> None:
    known = await account_location(session, AccountKind(visit.account_kind), visit.account_id)
    distance = haversine_m(*known, data.latitude, data.longitude) if known else None
    apply_changes(
        visit,
        {
            "status": VisitStatus.checked_in,
            "checked_in_at": when(data.at, None),
            "latitude": data.latitude,
            "longitude": data.longitude,
            "distance_m": None if distance is None else round(distance, 1),
            "far_from_account": distance is not None and distance > FAR_METRES,
        },
    )


async def account_location(
    session: AsyncSession, kind: AccountKind, account_id: UUID
) -> tuple[float, float] | None:
    """Where the account is, as advisors' copy of it says (the dealers service's coordinates of
    the outlet; dealers have none): None when unknown."""
    copy = OUTLET_COPY if kind == AccountKind.outlet else DEALER_COPY
    row = await copy.get(session, account_id)
    if row is None or row.get("latitude") is None or row.get("longitude") is None:
        return None
    return (float(row["latitude"]), float(row["longitude"]))


async def delete(session: AsyncSession, visit: Visit, *, caller: Principal) -> None:
    _require_planned(visit, "be deleted")
    await _emit(session, "visit.deleted", visit, caller)
    await session.delete(visit)
    await session.flush()


async def _emit(
    session: AsyncSession, type_: str, visit: Visit, caller: Principal, **extra: Any
) -> None:
    await emit_record(session, type_, VisitPublic.model_validate(visit), caller, **extra)
