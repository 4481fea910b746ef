"""Rules and queries of channel conflicts: parties are dealers or outlets; the status moves
open → investigating → resolved | dismissed; partners see the conflicts they are party to."""

from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from chassis.copies import Reference
from chassis.errors import Conflict, Forbidden, NotFound, field_error
from chassis.identity import Principal
from chassis.outbox import emit
from chassis.queries import apply_changes, must_exist, no_nulls, page
from services.dealers.conflicts.schemas import (
    ConflictCreate,
    ConflictPublic,
    ConflictUpdate,
    PartyIn,
)
from services.dealers.fields import quantize
from services.dealers.models import (
    NEXT_STATUS,
    ChannelConflict,
    ConflictParty,
    ConflictStatus,
    ConflictType,
    Dealer,
    Outlet,
    tables,
)


def authorize_write(caller: Principal) -> None:
    if caller.is_partner:
        raise Forbidden("channel conflicts are recorded by the manufacturer's staff")


def _party_of(*, dealer_ids: Any = None, outlet_id: UUID | None = None) -> Any:
    party = exists().where(col(ConflictParty.conflict_id) == col(ChannelConflict.id))
    if dealer_ids is not None:
        party = party.where(col(ConflictParty.dealer_id).in_(dealer_ids))
    if outlet_id is not None:
        party = party.where(col(ConflictParty.outlet_id) == outlet_id)
    return party


async def parties_of(session: AsyncSession, ids: list[UUID]) -> dict[UUID, list[ConflictParty]]:
    found: dict[UUID, list[ConflictParty]] = defaultdict(list)
    if ids:
        stmt = select(ConflictParty).where(col(ConflictParty.conflict_id).in_(ids))
        for party in (await session.scalars(stmt.order_by(col(ConflictParty.id)))).all():
            found[party.conflict_id].append(party)
    return found


def public(conflict: ChannelConflict, parties: list[ConflictParty]) -> ConflictPublic:
    data = {k: getattr(conflict, k) for k in ConflictPublic.model_fields if hasattr(conflict, k)}
    return ConflictPublic.model_validate(data | {"parties": parties}, from_attributes=True)


async def get(session: AsyncSession, conflict_id: UUID, *, caller: Principal) -> ChannelConflict:
    conflict = await session.get(ChannelConflict, conflict_id)
    if conflict is not None and caller.is_partner:
        visible = select(_party_of(dealer_ids=caller.dealer_ids)).where(
            col(ChannelConflict.id) == conflict_id
        )
        conflict = conflict if await session.scalar(visible) else None
    if conflict is None:
        raise NotFound(f"Conflict {conflict_id} does not exist.")
    return conflict


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    limit: int,
    cursor: str | None,
    region_id: UUID | None = None,
    status: ConflictStatus | None = None,
    type: ConflictType | None = None,
    dealer_id: UUID | None = None,
    outlet_id: UUID | None = None,
) -> tuple[list[ChannelConflict], str | None]:
    stmt = select(ChannelConflict)
    if caller.is_partner:
        stmt = stmt.where(_party_of(dealer_ids=caller.dealer_ids))
    if dealer_id is not None:
        stmt = stmt.where(_party_of(dealer_ids=[dealer_id]))
    if outlet_id is not None:
        stmt = stmt.where(_party_of(outlet_id=outlet_id))
    filters = {"region_id": region_id, "status": status, "type": type}
    return await page(session, ChannelConflict, filters, limit=limit, cursor=cursor, stmt=stmt)


async def _resolve_party(session: AsyncSession, index: int, party: PartyIn) -> dict[str, Any]:
    pointer = f"#/parties/{index}"
    if (party.dealer_id is None) == (party.outlet_id is None):
        raise field_error(pointer, "names either a dealer_id or an outlet_id")
    if party.outlet_id is not None:
        outlet = await must_exist(session, Outlet, party.outlet_id, f"{pointer}/outlet_id")
        dealer_id = outlet.dealer_id
    else:
        assert party.dealer_id is not None
        await must_exist(session, Dealer, party.dealer_id, f"{pointer}/dealer_id")
        dealer_id = party.dealer_id
    return {"dealer_id": dealer_id, "outlet_id": party.outlet_id, "role": party.role}


async def create(
    session: AsyncSession, data: ConflictCreate, *, caller: Principal, regions: Reference
) -> tuple[ChannelConflict, list[ConflictParty]]:
    authorize_write(caller)
    resolved = [await _resolve_party(session, i, p) for i, p in enumerate(data.parties)]
    await regions.check(session, data.region_id, "#/region_id")
    conflict = ChannelConflict(
        **data.model_dump(exclude={"parties"}), status="open", reported_by=caller.subject
    )
    session.add(conflict)
    await session.flush()
    parties = [ConflictParty(conflict_id=conflict.id, **party) for party in resolved]
    session.add_all(parties)
    await session.flush()
    await _emit(session, "conflict.created", conflict, parties, caller)
    return conflict, parties


async def update(
    session: AsyncSession, conflict: ChannelConflict, data: ConflictUpdate, *, caller: Principal
) -> tuple[ChannelConflict, list[ConflictParty]]:
    changes = data.model_dump(exclude_unset=True)
    no_nulls(changes, ("status", "description", "evidence"))
    target = changes.get("status")
    if target is not None and target != conflict.status:
        if target not in NEXT_STATUS[ConflictStatus(conflict.status)]:
            raise Conflict(
                f"A conflict that is {conflict.status} cannot become {target}.", field="status"
            )
        if target == ConflictStatus.resolved and not changes.get("resolution", conflict.resolution):
            raise field_error("#/resolution", "is required to resolve a conflict")
    if "penalty" in changes:
        changes["penalty"] = quantize(changes["penalty"])
    apply_changes(conflict, changes)
    await session.flush()
    parties = (await parties_of(session, [conflict.id]))[conflict.id]
    await _emit(session, "conflict.updated", conflict, parties, caller)
    return conflict, parties


async def _emit(
    session: AsyncSession,
    type: str,
    conflict: ChannelConflict,
    parties: list[ConflictParty],
    caller: Principal,
) -> None:
    data = public(conflict, parties).model_dump(mode="json") | {"actor": caller.subject}
    dealers = {p.dealer_id for p in parties}
    await emit(session, tables.outbox, type, data, dealer_ids=dealers)
