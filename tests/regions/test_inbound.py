"""References other services hold to regions, counted from their feeds (dealers, outlets and
conflicts from the dealers', advisors from the advisors'): a region still named elsewhere is not
deleted, and the one 409 says every reason, local and remote, with the counts."""

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from fastapi import FastAPI

from tests.api import assert_problem
from tests.regions.helpers import create, post
from tests.regions.peers import advisor, consumer, deliver, event

ROOT = Path(__file__).parents[2]
IF_V1 = {"If-Match": '"v1"'}


def record(region_id: str | None, id_: str | None = None, **extra: Any) -> dict[str, Any]:
    """The part of a dealer, outlet or conflict event the count reads."""
    return {"id": id_ or str(uuid4()), "region_id": region_id, "version": 1} | extra


async def refusal(client: httpx.AsyncClient, region_id: str) -> dict[str, Any]:
    r = await client.delete(f"/v1/regions/{region_id}", headers=IF_V1)
    problem = assert_problem(r, 409)
    assert (await client.get(f"/v1/regions/{region_id}")).status_code == 200
    return problem


async def test_a_region_named_elsewhere_is_not_deleted(
    regions: httpx.AsyncClient, regions_app: FastAPI
) -> None:
    province = await create(regions, "510000", "四川")
    city = await create(regions, "510100", "成都", parent_id=province["id"])
    rid = province["id"]
    target = {"region_id": rid, "period": "2026-01", "metric": "sales_amount", "value": "1"}
    target_id = (await post(regions, "/v1/targets", target))["id"]
    dealers = [record(rid), record(rid)]
    outlet, conflict = record(rid), record(rid, status="open")
    adviser = advisor(str(uuid4()), region_id=rid)
    await deliver(
        regions_app,
        "dealer-events",
        [
            *(event("dealer.created", d) for d in dealers),
            event("outlet.created", outlet),
            event("conflict.created", conflict),
            event("outlet.moved", record(str(uuid4()))),  # a move record, not an outlet
        ],
    )
    await deliver(regions_app, "advisor-events", [event("advisor.created", adviser)])
    problem = await refusal(regions, rid)
    assert problem["contents"] == {"child_regions": 1, "targets": 1}
    assert problem["references"] == {
        "advisors.region_id": 1,
        "conflicts.region_id": 1,
        "dealers.region_id": 2,
        "outlets.region_id": 1,
    }
    for words in ("1 child regions, 1 targets", "2 dealers (by region_id)", "1 conflicts"):
        assert words in problem["detail"], problem["detail"]

    # the local reasons go: the references alone still refuse it
    assert (await regions.delete(f"/v1/regions/{city['id']}", headers=IF_V1)).status_code == 204
    assert (await regions.delete(f"/v1/targets/{target_id}", headers=IF_V1)).status_code == 204
    problem = await refusal(regions, rid)
    assert "contents" not in problem and problem["references"]["dealers.region_id"] == 2

    # moved elsewhere, deleted, or no region named: each reference goes
    other = str(uuid4())
    await deliver(
        regions_app,
        "dealer-events",
        [
            event("dealer.deleted", dealers[0] | {"version": 2}),
            event("dealer.updated", dealers[1] | {"region_id": other, "version": 2}),
            event("outlet.deleted", outlet | {"version": 2}),
        ],
    )
    moved = adviser | {"region_id": None, "version": 2}
    await deliver(regions_app, "advisor-events", [event("advisor.updated", moved)])
    problem = await refusal(regions, rid)
    assert problem["references"] == {"conflicts.region_id": 1}
    assert problem["detail"] == "Region 510000 is still referenced: 1 conflicts (by region_id)."
    closed = conflict | {"region_id": other, "status": "closed", "version": 2}
    await deliver(regions_app, "dealer-events", [event("conflict.updated", closed)])
    assert (await regions.delete(f"/v1/regions/{rid}", headers=IF_V1)).status_code == 204


async def test_a_rebuild_of_one_feed_starts_its_counts_again(
    regions: httpx.AsyncClient, regions_app: FastAPI
) -> None:
    rid = (await create(regions, "510000", "四川"))["id"]
    dealer, adviser = record(rid), advisor(str(uuid4()), region_id=rid)
    await deliver(regions_app, "dealer-events", [event("dealer.created", dealer)])
    await deliver(regions_app, "advisor-events", [event("advisor.created", adviser)])
    async with regions_app.state.db.session() as session:
        await consumer("dealer-events").reset(session)
        await session.commit()
    assert (await refusal(regions, rid))["references"] == {"advisors.region_id": 1}
    await deliver(regions_app, "dealer-events", [event("dealer.created", dealer)])
    await deliver(regions_app, "dealer-events", [event("dealer.created", dealer)])  # again: once
    problem = await refusal(regions, rid)
    assert problem["references"] == {"advisors.region_id": 1, "dealers.region_id": 1}


def test_the_followed_fields_are_in_the_sources_contracts() -> None:
    """Each record the counts and the copy read carries what they read, as its service's
    contract says."""
    followed = {
        "dealers": ("DealerPublic", "OutletPublic", "ConflictPublic"),
        "advisors": ("AdvisorPublic",),
    }
    for service, schemas in followed.items():
        contract = json.loads((ROOT / f"services/{service}/openapi.json").read_text())
        found = contract["components"]["schemas"]
        for name in schemas:
            assert {"id", "region_id", "version"} <= set(found[name]["required"]), name
    assert {"name", "status"} <= set(found["AdvisorPublic"]["required"])
    assert "active" in found["AdvisorStatus"]["enum"]


def test_each_feed_is_read_for_the_types_it_applies() -> None:
    assert set(consumer("dealer-events").types) == {
        "dealer.created",
        "dealer.updated",
        "dealer.deleted",
        "outlet.created",
        "outlet.updated",
        "outlet.deleted",
        "conflict.created",
        "conflict.updated",
    }
    assert set(consumer("advisor-events").types) == {
        "advisor.created",
        "advisor.updated",
        "advisor.deleted",
    }
    assert (consumer("dealer-events").source, consumer("advisor-events").source) == (
        "dealers",
        "advisors",
    )
