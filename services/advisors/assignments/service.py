"""Rules of assignments: one main advisor per account at a time; a hand-over keeps history."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import serialize
from chassis.errors import Conflict, FieldError, field_error
from chassis.identity import Principal
from chassis.queries import apply_changes, get_or_404, must_exist, page
from services.advisors.assignments.schemas import (
    AssignmentCreate,
    AssignmentPublic,
    AssignmentUpdate,
    Reassignment,
)
from services.advisors.events import emit_record
from services.advisors.models import AccountKind, Advisor, Assignment
from services.advisors.references import References
from services.advisors.transitions import check_version


async def get(session: AsyncSession, assignment_id: UUID, *, lock: bool = False) -> Assignment:
    return await get_or_404(session, Assignment, assignment_id, "Assignment", for_update=lock)


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    active_on: date | None,
    **filters: Any,
) -> tuple[list[Assignment], str | None]:
    stmt = select(Assignment)
    if active_on is not None:
        stmt = stmt.where(
            col(Assignment.from_date) <= active_on,
            or_(col(Assignment.to_date).is_(None), col(Assignment.to_date) >= active_on),
        )
    return await page(session, Assignment, filters, limit=limit, cursor=cursor, stmt=stmt)


def _check_dates(from_date: date, to_date: date | None) -> None:
    if to_date is not None and to_date < from_date:
        raise field_error("#/to_date", "is before from_date")


async def _check_one_main(
    session: AsyncSession, account_id: UUID, start: date, end: date | None, *, skip: UUID | None
) -> None:
    """No other main assignment of the account overlaps [start, end]."""
    # two requests for one account could each see no rival; the lock makes them take turns
    await serialize(session, f"assignments.account.{account_id}")
    stmt = select(Assignment).where(
        col(Assignment.account_id) == account_id,
        col(Assignment.is_main).is_(True),
        or_(col(Assignment.to_date).is_(None), col(Assignment.to_date) >= start),
    )
    if end is not None:
        stmt = stmt.where(col(Assignment.from_date) <= end)
    if skip is not None:
        stmt = stmt.where(col(Assignment.id) != skip)
    rival = (await session.scalars(stmt.limit(1))).first()
    if rival is not None:
        raise Conflict(
            f"Account {account_id} already has a main advisor from {rival.from_date} "
            f"(assignment {rival.id}); hand it over instead.",
            field="account_id",
        )


async def create(
    session: AsyncSession, data: AssignmentCreate, *, caller: Principal, refs: References
) -> Assignment:
    _check_dates(data.from_date, data.to_date)
    await must_exist(session, Advisor, data.advisor_id, "#/advisor_id")
    await refs.check_account(session, data.account_kind, data.account_id, "#/account_id")
    if data.is_main:
        await _check_one_main(session, data.account_id, data.from_date, data.to_date, skip=None)
    assignment = Assignment(**data.model_dump())
    session.add(assignment)
    await session.flush()
    await _emit(session, "assignment.created", assignment, caller)
    return assignment


async def update(
    session: AsyncSession, assignment: Assignment, data: AssignmentUpdate, *, caller: Principal
) -> Assignment:
    changes = data.model_dump(exclude_unset=True)
    end = changes.get("to_date", assignment.to_date)
    _check_dates(assignment.from_date, end)
    if assignment.is_main and "to_date" in changes:
        await _check_one_main(
            session, assignment.account_id, assignment.from_date, end, skip=assignment.id
        )
    apply_changes(assignment, changes)
    await session.flush()
    await _emit(session, "assignment.updated", assignment, caller)
    return assignment


async def reassign(
    session: AsyncSession,
    assignment_id: UUID,
    data: Reassignment,
    *,
    caller: Principal,
    if_match: str | None = None,
) -> Assignment:
    """End the assignment the day before `on` and open the new advisor's: the account's
    assignment in its new state."""
    old = await get(session, assignment_id, lock=True)
    check_version(if_match, old.version)
    if data.to == old.advisor_id:
        raise Conflict(
            f"Assignment {old.id} is already with advisor {data.to}.",
            field="to",
            errors=[FieldError("#/to", "is the account's advisor already")],
        )
    on = data.on or datetime.now(UTC).date()
    if old.to_date is not None and old.to_date < on:
        raise Conflict(
            f"Assignment {old.id} already ended on {old.to_date}.",
            field="on",
            errors=[FieldError("#/on", f"is after the assignment's end {old.to_date}")],
        )
    if on <= old.from_date:
        raise field_error("#/on", f"must be after the assignment's start {old.from_date}")
    await must_exist(session, Advisor, data.to, "#/to")
    await serialize(session, f"assignments.account.{old.account_id}")
    old_end = old.to_date
    apply_changes(old, {"to_date": on - timedelta(days=1)})
    await session.flush()
    new = Assignment(
        advisor_id=data.to,
        account_kind=AccountKind(old.account_kind),
        account_id=old.account_id,
        is_main=old.is_main,
        from_date=on,
        to_date=old_end,
    )
    if new.is_main:
        await _check_one_main(session, old.account_id, on, old_end, skip=None)
    session.add(new)
    await session.flush()
    await _emit(session, "assignment.updated", old, caller, reason=data.reason)
    await _emit(
        session, "assignment.created", new, caller, reassigned_from=str(old.id), reason=data.reason
    )
    return new


async def _emit(
    session: AsyncSession, type_: str, assignment: Assignment, caller: Principal, **extra: Any
) -> None:
    public = AssignmentPublic.model_validate(assignment)
    await emit_record(session, type_, public, caller, **extra)
