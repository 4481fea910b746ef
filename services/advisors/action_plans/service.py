"""Action-plan rules: one per advisor and period, draft → submitted → approved or returned by the
advisor's manager; approval puts the planned visits on the advisor's agenda."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import Conflict, field_error
from chassis.outbox import emit_many
from services.advisors.action_plans.schemas import (
    ActionPlanCreate,
    ActionPlanPublic,
    ActionPlanUpdate,
    PlannedVisit,
    Review,
)
from services.advisors.common import apply, emit_record, fetch, must_exist, page
from services.advisors.models import ActionPlan, Advisor, PlanKind, PlanStatus, Visit, tables
from services.advisors.periods import month_bounds
from services.advisors.visits.schemas import VisitPublic

EDITABLE = (PlanStatus.draft, PlanStatus.returned)


async def get(session: AsyncSession, plan_id: UUID) -> ActionPlan:
    return await fetch(session, ActionPlan, plan_id, "Action plan")


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


async def create(session: AsyncSession, data: ActionPlanCreate, *, actor: str) -> ActionPlan:
    end = period_end(data.kind, data.period_start)
    _check_visits(data.planned_visits, data.period_start, end)
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
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
    await _emit(session, "action_plan.created", plan, actor)
    return plan


def _require(plan: ActionPlan, allowed: tuple[PlanStatus, ...], doing: str) -> None:
    if plan.status not in allowed:
        raise Conflict(
            f"Action plan {plan.id} is {plan.status}; it can't {doing} now.", field="status"
        )


async def update(
    session: AsyncSession, plan: ActionPlan, data: ActionPlanUpdate, *, actor: str
) -> ActionPlan:
    _require(plan, EDITABLE, "be changed")
    changes = data.model_dump(exclude_unset=True, mode="json")
    if changes.get("objectives", []) is None:
        raise field_error("#/objectives", "may not be null")
    if data.planned_visits is not None:
        _check_visits(data.planned_visits, plan.period_start, plan.period_end)
    elif "planned_visits" in changes:
        changes["planned_visits"] = []
    apply(plan, changes)
    await session.flush()
    await _emit(session, "action_plan.updated", plan, actor)
    return plan


async def submit(session: AsyncSession, plan: ActionPlan, *, actor: str) -> ActionPlan:
    _require(plan, EDITABLE, "be submitted")
    apply(plan, {"status": PlanStatus.submitted, "submitted_at": datetime.now(UTC)})
    await session.flush()
    await _emit(session, "action_plan.submitted", plan, actor)
    return plan


async def review(
    session: AsyncSession, plan: ActionPlan, data: Review, *, approve: bool, actor: str
) -> ActionPlan:
    _require(plan, (PlanStatus.submitted,), "be reviewed")
    advisor = await fetch(session, Advisor, plan.advisor_id, "Advisor")
    if advisor.manager_id is None or advisor.manager_id != data.reviewer_id:
        raise field_error("#/reviewer_id", "only the advisor's manager reviews the plan")
    if not approve and not data.note:
        raise field_error("#/note", "say why the plan goes back")
    status = PlanStatus.approved if approve else PlanStatus.returned
    apply(
        plan,
        {
            "status": status,
            "reviewer_id": data.reviewer_id,
            "reviewed_at": datetime.now(UTC),
            "review_note": data.note,
        },
    )
    visits = _visits_of(plan) if approve else []
    session.add_all(visits)
    await session.flush()
    events = [
        (
            "visit.created",
            VisitPublic.model_validate(v).model_dump(mode="json") | {"actor": actor},
            (),
        )
        for v in visits
    ]
    await emit_many(session, tables.outbox, events)
    await _emit(session, f"action_plan.{status}", plan, actor)
    return plan


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


async def delete(session: AsyncSession, plan: ActionPlan, *, actor: str) -> None:
    _require(plan, EDITABLE, "be deleted")
    await _emit(session, "action_plan.deleted", plan, actor)
    await session.delete(plan)
    await session.flush()


async def _emit(session: AsyncSession, type_: str, plan: ActionPlan, actor: str) -> None:
    await emit_record(session, type_, ActionPlanPublic.model_validate(plan), actor)
