"""The region a dealer, an outlet or a channel conflict names is checked: against the copy of
regions, else by one read of the regions service; unknown or deleted is a 422 on `#/region_id`,
the regions service unreachable a 503 naming it, and nothing is written either way."""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import event, func, select

from services.dealers.models import tables
from tests.dealers.helpers import (
    CHENGDU,
    MIANYANG,
    assert_problem,
    body,
    count,
    create,
    make_outlet,
    outlet_body,
    pointers,
    unknown_id,
    url,
)
from tests.dealers.upstream import TEST_REGIONS, RegionsOwner, app_of, region_events


async def known_in_copy(dealers: httpx.AsyncClient) -> None:
    """The copy has heard of the test regions from the feed: no read of the owner needed."""
    await region_events(dealers, [("region.created", r) for r in TEST_REGIONS.values()])


def assert_unknown_region(r: httpx.Response, word: str = "no regions record") -> None:
    problem = assert_problem(r, 422)
    assert pointers(r) == ["#/region_id"]
    assert word in problem["errors"][0]["detail"]


def assert_regions_down(r: httpx.Response) -> None:
    problem = assert_problem(r, 503)
    assert problem["service"] == "regions"
    assert "nothing was written" in problem["detail"]


async def events(dealers: httpx.AsyncClient) -> int:
    """The events the service has emitted (in the test's transaction too)."""
    async with app_of(dealers).state.db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(tables.outbox)) or 0)


async def test_a_region_in_the_copy_needs_no_read_of_the_owner(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> None:
    await known_in_copy(dealers)
    dealer = await create(dealers, 1)
    await make_outlet(dealers, 1, dealer, region_id=MIANYANG)
    assert regions_owner.asked == []


async def test_a_region_the_copy_has_not_seen_is_asked_once_then_copied(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> None:
    new = regions_owner.learn()  # created in regions a moment ago: not in the feed yet
    first = await create(dealers, 1, region_id=str(new))
    assert first["region_id"] == str(new)
    await create(dealers, 2, region_id=str(new))
    await make_outlet(dealers, 1, first, region_id=str(new))
    assert regions_owner.asked == [new]


@pytest.mark.parametrize("write", ["dealer", "outlet", "conflict"])
async def test_an_unknown_region_is_refused_and_nothing_written(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner, write: str
) -> None:
    dealer = await create(dealers, 1)
    before = await events(dealers)
    ghost = unknown_id()
    if write == "dealer":
        r = await dealers.post("/v1/dealers", json=body(2, region_id=ghost))
    elif write == "outlet":
        r = await dealers.post("/v1/outlets", json=outlet_body(1, dealer, region_id=ghost))
    else:
        r = await dealers.post("/v1/conflicts", json=conflict(dealer, region_id=ghost))
    assert_unknown_region(r)
    assert UUID(ghost) in regions_owner.asked
    assert await events(dealers) == before
    assert await count(dealers) == 1
    assert (await dealers.get("/v1/outlets")).json()["items"] == []
    assert (await dealers.get("/v1/conflicts")).json()["items"] == []


async def test_a_deleted_region_is_refused(dealers: httpx.AsyncClient) -> None:
    await known_in_copy(dealers)
    dealer = await create(dealers, 1)
    outlet = await make_outlet(dealers, 1, dealer)
    await region_events(
        dealers, [("region.deleted", TEST_REGIONS[UUID(MIANYANG)] | {"version": 2})]
    )
    assert_unknown_region(
        await dealers.post("/v1/dealers", json=body(2, region_id=MIANYANG)), "deleted"
    )
    r = await dealers.patch(url(dealer), json={"region_id": MIANYANG}, headers={"If-Match": '"v1"'})
    assert_unknown_region(r, "deleted")
    r = await dealers.patch(
        f"/v1/outlets/{outlet['id']}", json={"region_id": MIANYANG}, headers={"If-Match": '"v1"'}
    )
    assert_unknown_region(r, "deleted")
    assert (await dealers.get(url(dealer))).json() == dealer


async def test_a_change_of_region_is_checked_and_an_unchanged_one_is_not(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> None:
    dealer = await create(dealers, 1)
    outlet = await make_outlet(dealers, 1, dealer)
    ghost = unknown_id()
    r = await dealers.patch(url(dealer), json={"region_id": ghost}, headers={"If-Match": '"v1"'})
    assert_unknown_region(r)
    r = await dealers.patch(
        f"/v1/outlets/{outlet['id']}", json={"region_id": ghost}, headers={"If-Match": '"v1"'}
    )
    assert_unknown_region(r)
    regions_owner.down = True  # resending the region a record already names asks nobody
    r = await dealers.patch(url(dealer), json={"region_id": CHENGDU}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    regions_owner.down = False
    r = await dealers.patch(url(dealer), json={"region_id": MIANYANG}, headers={"If-Match": '"v2"'})
    assert r.status_code == 200 and r.json()["region_id"] == MIANYANG


async def test_regions_unreachable_is_a_503_for_an_unseen_region_only(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> None:
    await known_in_copy(dealers)
    dealer = await create(dealers, 1)
    before = await events(dealers)
    regions_owner.down = True
    unseen = str(regions_owner.learn())
    assert_regions_down(await dealers.post("/v1/dealers", json=body(2, region_id=unseen)))
    assert_regions_down(
        await dealers.post("/v1/outlets", json=outlet_body(1, dealer, region_id=unseen))
    )
    assert_regions_down(
        await dealers.post("/v1/conflicts", json=conflict(dealer, region_id=unseen))
    )
    r = await dealers.patch(url(dealer), json={"region_id": unseen}, headers={"If-Match": '"v1"'})
    assert_regions_down(r)
    bulk = await dealers.post(
        "/v1/dealers/bulk", json={"items": [body(3), body(4, region_id=unseen)]}
    )
    assert_regions_down(bulk)
    assert await events(dealers) == before and await count(dealers) == 1
    # what the copy knows needs no one
    await create(dealers, 5, region_id=MIANYANG)
    await make_outlet(dealers, 1, dealer)


async def test_bulk_refuses_the_items_in_unknown_regions_asking_once_per_id(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> None:
    await known_in_copy(dealers)
    new = str(regions_owner.learn())
    ghost = unknown_id()
    items = [
        body(1),
        body(2, region_id=ghost),
        body(3, region_id=new),
        body(4, region_id=ghost),
        body(5, region_id=new),
        body(6, region_id=MIANYANG),
    ]
    r = await dealers.post("/v1/dealers/bulk", json={"items": items})
    assert r.status_code == 200, r.text
    result = r.json()
    statuses = ["created", "invalid", "created", "invalid", "created", "created"]
    assert [i["status"] for i in result["items"]] == statuses
    for index in (1, 3):
        assert [e["pointer"] for e in result["items"][index]["errors"]] == ["#/region_id"]
    assert sorted(regions_owner.asked) == sorted([UUID(ghost), UUID(new)])
    assert await count(dealers) == 4


async def test_outlet_bulk_refuses_the_items_in_unknown_regions(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner
) -> None:
    dealer = await create(dealers, 1)
    ghost = unknown_id()
    items = [outlet_body(1, dealer), outlet_body(2, dealer, region_id=ghost)]
    result = (await dealers.post("/v1/outlets/bulk", json={"items": items})).json()
    assert [i["status"] for i in result["items"]] == ["created", "invalid"]
    assert [e["pointer"] for e in result["items"][1]["errors"]] == ["#/region_id"]
    regions_owner.down = True
    unseen = str(regions_owner.learn())
    r = await dealers.post(
        "/v1/outlets/bulk", json={"items": [outlet_body(3, dealer, region_id=unseen)]}
    )
    assert_regions_down(r)
    assert len((await dealers.get("/v1/outlets")).json()["items"]) == 1


@pytest.fixture
def copy_reads(dealers: httpx.AsyncClient) -> Iterator[list[str]]:
    """The SELECTs on the copy of regions the app runs during the test."""
    seen: list[str] = []
    engine = app_of(dealers).state.db.engine.sync_engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM region_copies" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


async def test_a_bulk_reads_the_copy_once_for_all_its_items(
    dealers: httpx.AsyncClient, regions_owner: RegionsOwner, copy_reads: list[str]
) -> None:
    await known_in_copy(dealers)
    items = [body(n, region_id=(CHENGDU, MIANYANG)[n % 2]) for n in range(1, 201)]
    r = await dealers.post("/v1/dealers/bulk", json={"items": items})
    assert r.status_code == 200 and r.json()["created"] == 200
    assert len(copy_reads) == 1 and regions_owner.asked == []


def conflict(dealer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "cross_region_selling",
        "region_id": CHENGDU,
        "reported_on": "2026-11-02",
        "description": "窜货",
        "parties": [{"dealer_id": dealer["id"], "role": "respondent"}],
    } | extra
