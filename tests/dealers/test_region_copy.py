"""The dealers service's copy of regions follows the regions service's real feed: creations,
renames, moves, stage changes and deletions (as tombstones), and a replay from the start ends in
the same copy as applying the events as they came."""

from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select

from chassis.outbox import Event
from services.dealers.models.copies import region_copies
from services.dealers.references.feeds import REGIONS
from tests.dealers.upstream import app_of
from tests.harness import feed
from tests.regions.helpers import create, small_tree

KEPT = ("id", "code", "name", "level", "parent_id", "deleted", "version")


async def region_feed(regions: httpx.AsyncClient, expected: int) -> list[Event]:
    page = await feed(regions, "/v1/region-events", expected, limit=500)
    assert len(page["items"]) == expected
    return [Event.model_validate(item) for item in page["items"]]


async def apply_pages(dealers: httpx.AsyncClient, pages: list[list[Event]]) -> None:
    """Apply each page in a transaction of its own, as the consumer does."""
    for events in pages:
        async with app_of(dealers).state.db.sessionmaker() as session:
            for event in events:
                await REGIONS.apply(session, event)
            await session.commit()


async def copy_rows(dealers: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    async with app_of(dealers).state.db.sessionmaker() as session:
        rows = (await session.execute(select(region_copies))).mappings().all()
    return {str(r["id"]): {k: r[k] for k in KEPT} for r in rows}


async def test_the_copy_follows_the_regions_feed_and_a_replay_ends_the_same(
    regions_committed: httpx.AsyncClient, dealers: httpx.AsyncClient
) -> None:
    regions = regions_committed
    ids = await small_tree(regions)  # six region.created
    area = await create(regions, "SW", "西南大区", kind="sales")
    district = await create(regions, "SW-CD", "成渝片区", kind="sales", parent_id=area["id"])
    other = await create(regions, "NW", "西北大区", kind="sales")
    r = await regions.patch(
        f"/v1/regions/{ids['510100']}", json={"name": "成都"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    r = await regions.patch(
        f"/v1/regions/{district['id']}",
        json={"parent_id": other["id"]},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 200, r.text
    r = await regions.post(
        f"/v1/regions/{ids['510700']}/transitions", json={"to": "focused", "reason": "试点"}
    )
    assert r.status_code == 200, r.text
    r = await regions.delete(f"/v1/regions/{ids['510703']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 204, r.text
    events = await region_feed(regions, 13)
    assert [e.type for e in events[-4:]] == [
        "region.updated",
        "region.moved",
        "region.stage_changed",
        "region.deleted",
    ]

    await apply_pages(dealers, [events[i : i + 2] for i in range(0, len(events), 2)])
    copied = await copy_rows(dealers)
    assert len(copied) == 9
    assert copied[ids["510100"]] | {"id": None} == {
        "id": None,
        "code": "510100",
        "name": "成都",
        "level": "prefecture",
        "parent_id": UUID(ids["510000"]),
        "deleted": False,
        "version": 2,
    }
    assert copied[district["id"]]["parent_id"] == UUID(other["id"])
    assert copied[ids["510700"]]["version"] == 2  # the stage change is a new version
    gone = copied[ids["510703"]]
    assert gone["deleted"] and gone["code"] == "510703"  # a tombstone keeps what was known

    async with app_of(dealers).state.db.sessionmaker() as session:
        await REGIONS.reset(session)
        await session.commit()
    assert await copy_rows(dealers) == {}
    await apply_pages(dealers, [events])  # the replay: every event again, in one page
    assert await copy_rows(dealers) == copied


async def test_an_older_version_never_overwrites_a_newer_one(
    regions_committed: httpx.AsyncClient, dealers: httpx.AsyncClient
) -> None:
    region = await create(regions_committed, "510000", "四川省")
    r = await regions_committed.patch(
        f"/v1/regions/{region['id']}", json={"name": "四川"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200
    created, renamed = await region_feed(regions_committed, 2)
    await apply_pages(dealers, [[renamed], [created]])  # out of order, as a re-delivery would be
    assert (await copy_rows(dealers))[region["id"]]["name"] == "四川"
