"""Events of this service: a record's public form, who did it and anything the change adds."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.identity import Principal
from chassis.outbox import emit
from services.advisors.models import tables


def payload(public: BaseModel, caller: Principal, **extra: Any) -> dict[str, Any]:
    return public.model_dump(mode="json") | {"actor": caller.subject} | extra


async def emit_record(
    session: AsyncSession, type_: str, public: BaseModel, caller: Principal, **extra: Any
) -> None:
    await emit(session, tables.outbox, type_, payload(public, caller, **extra))
