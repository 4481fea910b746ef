"""What a partner may see and act for: the rows of its own dealers, the dealers it names."""

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.errors import NotFound
from chassis.identity import Principal
from services.dealers.models import Dealer


class Owned(Protocol):
    """A record that belongs to a dealer."""

    dealer_id: UUID


T = TypeVar("T", bound=Owned)


def partners_own(stmt: Select[Any], model: Any, caller: Principal) -> Select[Any]:
    """`stmt` narrowed to the rows of the caller's dealers when the caller is a partner (by the
    model's `dealer_id`): another dealer's record is then as absent as a missing one."""
    if caller.is_partner:
        stmt = stmt.where(col(model.dealer_id).in_(caller.dealer_ids))
    return stmt


async def known_dealers(
    session: AsyncSession, dealer_ids: Iterable[UUID], caller: Principal
) -> set[UUID]:
    """The dealers among `dealer_ids` that exist and that the caller may act for."""
    wanted = {d for d in dealer_ids if caller.can_act_for(d)}
    if not wanted:
        return set()
    rows = await session.scalars(select(col(Dealer.id)).where(col(Dealer.id).in_(wanted)))
    return set(rows.all())


async def get_owned(
    session: AsyncSession, model: type[T], id_: UUID, what: str, caller: Principal
) -> T:
    """The record, or a 404 naming it when it does not exist or belongs (by its `dealer_id`) to
    a dealer the caller may not act for: the two answer alike."""
    record = await session.get(model, id_)
    if record is None or not caller.can_act_for(record.dealer_id):
        raise NotFound(f"{what} {id_} does not exist.")
    return record
