"""The local copy of regions, kept from the regions feed, and the check of the region a dealer,
an outlet or a channel conflict names."""

from collections.abc import Collection
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.bulk import lookup
from chassis.copies import Copy, OwnerReader, Reference
from chassis.errors import Unprocessable
from chassis.settings import BaseServiceSettings
from services.dealers.models.copies import region_copies

OWNER = "regions"
# region.created/updated/moved/stage_changed carry the whole region; a deletion is a tombstone
REGION_COPY = Copy(
    region_copies,
    upserts=frozenset({"region.created", "region.updated", "region.moved", "region.stage_changed"}),
    deletes=frozenset({"region.deleted"}),
)


def region_reference(settings: BaseServiceSettings) -> Reference:
    """Regions checked against the copy; one bounded, signed read of the regions service for an
    id the copy hasn't seen."""
    return Reference(REGION_COPY, OWNER, OwnerReader(settings, OWNER, "/v1/regions/{id}"))


async def region_problems(
    session: AsyncSession, reference: Reference, ids: Collection[UUID]
) -> dict[UUID, Unprocessable]:
    """The ids among `ids` that name no live region, each with its 422 (on `#/region_id`): one
    lookup of the copy for all of them, then the usual check (the owner asked at most once) for
    each id the copy doesn't hold alive. An unreachable owner is the request's 503."""
    wanted = list(set(ids))
    alive = {
        id_
        for id_, deleted in await lookup(session, region_copies, "id", wanted, ("deleted",))
        if not deleted
    }
    problems: dict[UUID, Unprocessable] = {}
    for id_ in sorted(set(wanted) - alive):
        try:
            await reference.check(session, id_, "#/region_id")
        except Unprocessable as exc:
            problems[id_] = exc
    return problems
