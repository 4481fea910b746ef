"""Action-plan rules: one per advisor and period, draft → submitted → approved or returned by the
advisor's manager (returned plans are reworked and submitted again); approval puts the planned
visits on the advisor's agenda."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.identity import Principal
from chassis.outbox import emit_many
from chassis.queries import apply_changes, get_or_404, must_exist, no_nulls, page
from services.advisors.action_plans.schemas import (
    ActionPlanCreate,
    ActionPlanMove,
    ActionPlanPublic,
    ActionPlanReview,
    ActionPlanUpdate,
    PlannedVisit,
)
from services.advisors.events import emit_record, payload
from services.advisors.models import ActionPlan, Advisor, PlanKind, PlanStatus, Visit, tables
from services.advisors.periods import month_bounds
from services.advisors.references import References
from services.advisors.transitions import check_move, check_version, when
from services.advisors.visits.schemas import VisitPublic

EDITABLE = (PlanStatus.draft, PlanStatus.returned)
MOVES = {
    PlanStatus.draft: {PlanStatus.submitted},
    PlanStatus.submitted: {PlanStatus.approved, PlanStatus.returned},
    PlanStatus.returned: {PlanStatus.submitted},
    PlanStatus.approved: set(),
}


async def get(session: AsyncSession, plan_id: UUID, *, lock: bool = False) -> ActionPlan:
    return await get_or_404(session, ActionPlan, plan_id, "Action plan", for_update=lock)


async def list_page(
    session: AsyncSession, *, limit: int, cursor: str | None, **filters: Any
) -> tuple[list[ActionPlan], str | None]:
    return await page(session, ActionPlan, filters, limit=limit, cursor=cursor)


def period_end(kind: PlanKind, start: date) -> date:
    if kind == PlanKind.week:
        if start.weekday() != 0:
            raise field_error("#/period_start", "a week's plan starts on a Monday")
        return start + timedelta(days=6)
    if start.day != 1:
        raise field_error("#/period_start", "a month's plan starts on the 1st")
    return month_bounds(start.strftime("%Y-%m"))[1] - timedelta(days=1)


def _check_visits(visits: list[PlannedVisit], start: date, end: date) -> None:
    for i, visit in enumerate(visits):
        if not start <= visit.planned_date <= end:
            raise field_error(
                f"#/planned_visits/{i}/planned_date", f"is outside the plan's {start} to {end}"
            )


async def _check_accounts(
    session: AsyncSession, visits: list[PlannedVisit], refs: References
) -> None:
    """The accounts the plan's visits go to exist (approval makes them visits): each once."""
    seen: set[tuple[str, UUID]] = set()
    for i, visit in enumerate(visits):
        key = (visit.account_kind, visit.account_id)
        if key not in seen:
            seen.add(key)
            pointer = f"#/planned_visits/{i}/account_id"
            await refs.check_account(session, visit.account_kind, visit.account_id, pointer)


async def create(
    session: AsyncSession, data: ActionPlanCreate, *, caller: Principal, refs: References
) -> ActionPlan:
    end = period_end(data.kind, data.period_start)
    _check_visits(data.planned_visits, data.period_start, end)
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    await _check_accounts(session, data.planned_visits, refs)
    taken = exists().where(
        col(ActionPlan.advisor_id) == data.advisor_id,
        col(ActionPlan.kind) == data.kind,
        col(ActionPlan.period_start) == data.period_start,
    )
    if await session.scalar(select(taken)):
        raise Conflict("The advisor already has a plan for this period.", field="period_start")
    plan = ActionPlan(**data.model_dump(mode="json"))
    plan.period_start, plan.period_end = data.period_start, end
    plan.advisor_id, plan.kind = data.advisor_id, data.kind
    session.add(plan)
    await session.flush()
    await _emit(session, "action_plan.created", plan, caller)
    return plan


def _require_editable(plan: ActionPlan, doing: str) -> None:
    if plan.status not in EDITABLE:
        raise Conflict(
            f"Action plan {plan.id} is {plan.status}; it can't {doing} now.", field="status"
        )


async def update(
    session: AsyncSession,
    plan: ActionPlan,
    data: ActionPlanUpdate,
    *,
    caller: Principal,
    refs: References,
) -> ActionPlan:
    _require_editable(plan, "be changed")
    changes = data.model_dump(exclude_unset=True, mode="json")
    no_nulls(changes, ("objectives",))
    if data.planned_visits is not None:
        _check_visits(data.planned_visits, plan.period_start, plan.period_end)
        await _check_accounts(session, data.planned_visits, refs)
    elif "planned_visits" in changes:
        changes["planned_visits"] = []
    apply_changes(plan, changes)
    await session.flush()
    await _emit(session, "action_plan.updated", plan, caller)
    return plan


async def transition(
    session: AsyncSession,
    plan_id: UUID,
    data: ActionPlanMove | ActionPlanReview,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> ActionPlan:
    """One move under the plan's row lock: of two racing moves the second sees the first."""
    plan = await get(session, plan_id, lock=True)
    check_version(if_match, plan.version)
    check_move(f"Action plan {plan.id}", plan.status, data.to, MOVES)
    if isinstance(data, ActionPlanReview):
        await _review(session, plan, data, caller)
    else:
        at = when(data.at, plan.reviewed_at)
        apply_changes(plan, {"status": PlanStatus.submitted, "submitted_at": at})
        await session.flush()
    await _emit(session, f"action_plan.{plan.status}", plan, caller, reason=data.reason)
    return plan


async def _review(
    session: AsyncSession, plan: ActionPlan, data: ActionPlanReview, caller: Principal
) -> None:
    advisor = await get_or_404(session, Advisor, plan.advisor_id, "Advisor")
    if advisor.manager_id is None or advisor.manager_id != data.reviewer_id:
        raise field_error("#/reviewer_id", "only the advisor's manager reviews the plan")
    approve = data.to == PlanStatus.approved
    if not approve and not data.reason:
        raise field_error("#/reason", "say why the plan goes back")
    apply_changes(
        plan,
        {
            "status": PlanStatus(data.to),
            "reviewer_id": data.reviewer_id,
            "reviewed_at": when(data.at, plan.submitted_at),
            "review_note": data.reason,
        },
    )
    visits = _visits_of(plan) if approve else []
    session.add_all(visits)
    await session.flush()
    events = [("visit.created", payload(VisitPublic.model_validate(v), caller), ()) for v in visits]
    await emit_many(session, tables.outbox, events)


def _visits_of(plan: ActionPlan) -> list[Visit]:
    """An approved plan's visits, planned on the advisor's agenda with their purpose."""
    return [
        Visit(
            advisor_id=plan.advisor_id,
            account_kind=v["account_kind"],
            account_id=UUID(v["account_id"]),
            planned_date=date.fromisoformat(v["planned_date"]),
            purpose=v["purpose"],
            action_plan_id=plan.id,
        )
        for v in plan.planned_visits
    ]


async def delete(session: AsyncSession, plan: ActionPlan, *, caller: Principal) -> None:
    _require_editable(plan, "be deleted")
    await _emit(session, "action_plan.deleted", plan, caller)
    await session.delete(plan)
    await session.flush()


async def _emit(
    session: AsyncSession, type_: str, plan: ActionPlan, caller: Principal, **extra: Any
) -> None:
    await emit_record(session, type_, ActionPlanPublic.model_validate(plan), caller, **extra)
