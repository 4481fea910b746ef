"""Rules and queries of advisors and their reporting line. Services flush; the request's session
commits."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.db import serialize
from chassis.errors import Conflict, NotFound, field_error
from chassis.outbox import emit
from chassis.pagination import paginate
from chassis.validators import is_mobile
from services.advisors.advisors.schemas import AdvisorCreate, AdvisorPublic, AdvisorUpdate
from services.advisors.models import Advisor, AdvisorLevel, AdvisorRole, AdvisorStatus, tables

_REQUIRED = ("name", "role", "level", "status")


async def get(session: AsyncSession, advisor_id: UUID) -> Advisor:
    advisor = await session.get(Advisor, advisor_id)
    if advisor is None:
        raise NotFound(f"Advisor {advisor_id} does not exist.")
    return advisor


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    employee_code: str | None = None,
    role: AdvisorRole | None = None,
    region_id: UUID | None = None,
    manager_id: UUID | None = None,
    level: AdvisorLevel | None = None,
    status: AdvisorStatus | None = None,
) -> tuple[list[Advisor], str | None]:
    filters = {
        "employee_code": employee_code,
        "role": role,
        "region_id": region_id,
        "manager_id": manager_id,
        "level": level,
        "status": status,
    }
    stmt = select(Advisor)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(col(getattr(Advisor, name)) == value)
    return await paginate(session, stmt, col(Advisor.id), limit=limit, cursor=cursor)


def _check_fields(changes: dict[str, Any]) -> None:
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise field_error(f"#/{name}", "may not be null")
    mobile = changes.get("mobile")
    if mobile is not None and not is_mobile(mobile):
        raise field_error("#/mobile", "must be a mainland mobile number: 11 digits from 1")


async def _check_manager(
    session: AsyncSession, manager_id: UUID | None, advisor_id: UUID | None
) -> None:
    """The manager exists and the reporting line stays a tree (nobody manages themselves)."""
    if manager_id is None:
        return
    if manager_id == advisor_id:
        raise field_error("#/manager_id", "an advisor cannot be their own manager")
    if advisor_id is not None:
        # two changes racing could each pass the cycle check and close a loop together
        await serialize(session, "advisors.reporting_line")
    manager = await session.get(Advisor, manager_id, populate_existing=True)
    if manager is None:
        raise field_error("#/manager_id", "no advisor has this id")
    if advisor_id is not None:
        await _check_no_cycle(session, manager, advisor_id)


async def _check_no_cycle(session: AsyncSession, manager: Advisor, advisor_id: UUID) -> None:
    """Refuse a manager who already reports, directly or not, to the advisor being changed."""
    seen: set[UUID] = set()
    current: Advisor | None = manager
    while current is not None and current.manager_id is not None and current.id not in seen:
        if current.manager_id == advisor_id:
            raise field_error(
                "#/manager_id", "the new manager reports to this advisor, directly or not"
            )
        seen.add(current.id)
        current = await session.get(Advisor, current.manager_id, populate_existing=True)


async def create(session: AsyncSession, data: AdvisorCreate, *, actor: str) -> Advisor:
    _check_fields(data.model_dump())
    code = data.employee_code
    if await session.scalar(select(exists().where(col(Advisor.employee_code) == code))):
        raise Conflict(
            f"An advisor with employee code {code} already exists.", field="employee_code"
        )
    await _check_manager(session, data.manager_id, None)
    advisor = Advisor(**data.model_dump())
    session.add(advisor)
    await session.flush()
    await _emit(session, "advisor.created", advisor, actor)
    return advisor


async def update(
    session: AsyncSession, advisor: Advisor, data: AdvisorUpdate, *, actor: str
) -> Advisor:
    changes = data.model_dump(exclude_unset=True)
    _check_fields(changes)
    if "manager_id" in changes:
        await _check_manager(session, changes["manager_id"], advisor.id)
    for name, value in changes.items():
        setattr(advisor, name, value)
    advisor.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit(session, "advisor.updated", advisor, actor)
    return advisor


async def delete(session: AsyncSession, advisor: Advisor, *, actor: str) -> None:
    reports = await session.scalar(
        select(func.count()).where(col(Advisor.manager_id) == advisor.id)
    )
    if reports:
        raise Conflict(
            f"Advisor {advisor.employee_code} manages {reports} advisor(s); reassign them first."
        )
    await _emit(session, "advisor.deleted", advisor, actor)
    await session.delete(advisor)
    await session.flush()


async def _emit(session: AsyncSession, type: str, advisor: Advisor, actor: str) -> None:
    data = AdvisorPublic.model_validate(advisor).model_dump(mode="json") | {"actor": actor}
    await emit(session, tables.outbox, type, data)
