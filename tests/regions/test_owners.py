"""The owner a region or target names is an advisor: checked against the copy of the advisors kept
from their feed, with one read of the advisors service for an id the copy hasn't seen; refused
(422 on `#/owner_id`) when unknown or deleted, 503 naming the service when it can't be asked."""

from typing import Any
from uuid import UUID, uuid4

import httpx
from fastapi import FastAPI

from chassis.testing import auth_headers
from services.regions.owners import ADVISORS
from tests.api import assert_problem, feed, pointers
from tests.harness import client_for
from tests.regions.helpers import count, create, post, refused, small_tree
from tests.regions.peers import ADVISOR, AdvisorsService, advisor, deliver, event

IF_V1 = {"If-Match": '"v1"'}


async def copied(app: FastAPI, id_: str) -> dict[str, Any] | None:
    async with app.state.db.session(read_only=True) as session:
        row = await ADVISORS.get(session, UUID(id_))
    return None if row is None else dict(row)


async def deleted_advisor(app: FastAPI) -> str:
    """An advisor the copy saw created, then deleted."""
    id_ = str(uuid4())
    await deliver(
        app,
        "advisor-events",
        [
            event("advisor.created", advisor(id_)),
            event("advisor.deleted", advisor(id_, version=2)),
        ],
    )
    return id_


def unavailable(r: httpx.Response) -> None:
    problem = assert_problem(r, 503)
    assert problem["service"] == "advisors" and "advisors" in problem["detail"]


async def test_a_region_owner_must_be_an_advisor(
    regions: httpx.AsyncClient, advisors_service: AdvisorsService
) -> None:
    unknown = str(uuid4())
    body = {"code": "510000", "name": "四川", "owner_id": unknown}
    r = await regions.post("/v1/regions", json=body)
    assert refused(r) == ["#/owner_id"]
    assert "no advisors record" in r.json()["errors"][0]["detail"]
    assert await count(regions, "/v1/regions") == 0
    new = advisors_service.add(name="李娜")
    advisors_service.asked.clear()
    first = await create(regions, "510000", "四川", owner_id=new)
    second = await create(regions, "520000", "贵州", owner_id=new)
    assert first["owner_id"] == second["owner_id"] == new
    assert advisors_service.asked == [UUID(new)]  # read once, then copied
    assert await create(regions, "530000", "云南", owner_id=None)


async def test_a_deleted_advisor_is_refused_from_the_copy(
    regions: httpx.AsyncClient, regions_app: FastAPI, advisors_service: AdvisorsService
) -> None:
    gone = await deleted_advisor(regions_app)
    r = await regions.post("/v1/regions", json={"code": "510000", "name": "四川", "owner_id": gone})
    assert refused(r) == ["#/owner_id"] and "deleted" in r.json()["errors"][0]["detail"]
    assert advisors_service.asked == []  # the copy decided
    assert await count(regions, "/v1/regions") == 0


async def test_advisors_unreachable_is_a_503_and_nothing_is_written(
    regions: httpx.AsyncClient, regions_app: FastAPI, advisors_service: AdvisorsService
) -> None:
    known = str(uuid4())
    await deliver(regions_app, "advisor-events", [event("advisor.created", advisor(known))])
    advisors_service.down = True
    body = {"code": "510000", "name": "四川", "owner_id": str(uuid4())}
    unavailable(await regions.post("/v1/regions", json=body))
    assert await count(regions, "/v1/regions") == 0
    # an advisor the copy knows needs no read; no owner needs none either
    assert (await create(regions, "510000", "四川", owner_id=known))["owner_id"] == known
    assert (await create(regions, "520000", "贵州"))["owner_id"] is None


async def test_a_patch_checks_the_new_owner(
    regions: httpx.AsyncClient, regions_app: FastAPI, advisors_service: AdvisorsService
) -> None:
    region = await create(regions, "510000", "四川", owner_id=ADVISOR)
    url = f"/v1/regions/{region['id']}"
    for owner in (str(uuid4()), await deleted_advisor(regions_app)):
        r = await regions.patch(url, json={"owner_id": owner, "name": "蜀"}, headers=IF_V1)
        assert refused(r) == ["#/owner_id"]
    advisors_service.down = True
    unavailable(await regions.patch(url, json={"owner_id": str(uuid4())}, headers=IF_V1))
    stored = (await regions.get(url)).json()
    assert (stored["owner_id"], stored["name"], stored["version"]) == (ADVISOR, "四川", 1)
    asked = len(advisors_service.asked)
    r = await regions.patch(url, json={"owner_id": None}, headers=IF_V1)
    assert r.status_code == 200 and r.json()["owner_id"] is None
    r = await regions.patch(url, json={"owner_id": ADVISOR}, headers={"If-Match": '"v2"'})
    assert r.status_code == 200 and r.json()["owner_id"] == ADVISOR  # copied by the first read
    assert len(advisors_service.asked) == asked


async def test_bulk_items_naming_unknown_owners_are_invalid(
    regions: httpx.AsyncClient, regions_app: FastAPI, advisors_service: AdvisorsService
) -> None:
    unknown, gone = str(uuid4()), await deleted_advisor(regions_app)
    items = [
        {"code": "510000", "name": "四川", "owner_id": ADVISOR},
        {"code": "520000", "name": "贵州", "owner_id": unknown},
        {"code": "530000", "name": "云南", "owner_id": gone},
        {"code": "540000", "name": "西藏", "owner_id": unknown},
        {"code": "510100", "name": "成都", "owner_id": ADVISOR},
    ]
    body = (await regions.post("/v1/regions/bulk", json={"items": items})).json()
    statuses = [i["status"] for i in body["items"]]
    assert statuses == ["created", "invalid", "invalid", "invalid", "created"]
    assert [i["errors"][0]["pointer"] for i in body["items"][1:4]] == ["#/owner_id"] * 3
    assert "deleted" in body["items"][2]["errors"][0]["detail"]
    assert advisors_service.asked == [UUID(ADVISOR), UUID(unknown)]  # each advisor once
    advisors_service.down = True
    again = [{"code": "520000", "name": "贵州", "owner_id": str(uuid4())}, *items[:1]]
    unavailable(await regions.post("/v1/regions/bulk", json={"items": again}))
    assert await count(regions, "/v1/regions") == 2


async def test_a_target_owner_must_be_an_advisor(
    regions: httpx.AsyncClient, regions_app: FastAPI, advisors_service: AdvisorsService
) -> None:
    ids = await small_tree(regions)
    body = {"region_id": ids["510000"], "period": "2026-01", "metric": "sales_amount"}
    body |= {"value": "10"}
    for owner in (str(uuid4()), await deleted_advisor(regions_app)):
        assert refused(await regions.post("/v1/targets", json=body | {"owner_id": owner})) == [
            "#/owner_id"
        ]
    assert await count(regions, "/v1/targets") == 0
    target = await post(regions, "/v1/targets", body | {"owner_id": ADVISOR})
    url = f"/v1/targets/{target['id']}"
    r = await regions.patch(url, json={"owner_id": str(uuid4())}, headers=IF_V1)
    assert refused(r) == ["#/owner_id"]
    advisors_service.down = True
    other = body | {"period": "2026-02", "owner_id": str(uuid4())}
    unavailable(await regions.post("/v1/targets", json=other))
    unavailable(await regions.patch(url, json={"owner_id": str(uuid4())}, headers=IF_V1))
    assert (await regions.get(url)).json()["owner_id"] == ADVISOR
    assert await count(regions, "/v1/targets") == 1


async def test_the_copy_follows_the_advisor_feed(
    regions: httpx.AsyncClient,
    regions_app: FastAPI,
    advisors_committed: httpx.AsyncClient,
    advisors_service: AdvisorsService,
) -> None:
    """Events read from a real advisors feed: `active` follows the status, a delete leaves a
    tombstone that refuses the advisor as an owner. (The advisors are written before the regions
    test transaction writes anything: on PostgreSQL the feed serves a commit only once every
    older transaction in the cluster has ended.)"""
    source = advisors_committed
    made = await source.post(
        "/v1/advisors",
        json={"employee_code": "E-REF-1", "name": "王芳", "role": "customer_advisor"},
    )
    assert made.status_code == 201, made.text
    id_, url = made.json()["id"], f"/v1/advisors/{made.json()['id']}"
    changed = await source.patch(url, json={"status": "on_leave", "name": "王芳芳"}, headers=IF_V1)
    assert changed.status_code == 200, changed.text
    r = await source.delete(url, headers={"If-Match": '"v2"'})
    assert r.status_code == 204, r.text
    created, updated, deleted = (await feed(source, "/v1/advisor-events", 3))["items"]
    assert [e["type"] for e in (created, updated, deleted)] == [
        "advisor.created",
        "advisor.updated",
        "advisor.deleted",
    ]

    await deliver(regions_app, "advisor-events", [created])
    row = await copied(regions_app, id_)
    assert row is not None and (row["name"], row["active"], row["deleted"]) == ("王芳", True, False)
    await deliver(regions_app, "advisor-events", [updated])
    row = await copied(regions_app, id_)
    assert row is not None and (row["name"], row["active"], row["version"]) == ("王芳芳", False, 2)
    assert (await create(regions, "510000", "四川", owner_id=id_))["owner_id"] == id_
    await deliver(regions_app, "advisor-events", [deleted])
    row = await copied(regions_app, id_)
    assert row is not None and row["deleted"] and row["name"] == "王芳芳"
    r = await regions.post("/v1/regions", json={"code": "520000", "name": "贵州", "owner_id": id_})
    assert pointers(r) == ["#/owner_id"]
    assert advisors_service.asked == []


async def test_a_peer_with_the_events_scope_reads_one_region(
    regions: httpx.AsyncClient, regions_app: FastAPI
) -> None:
    """`regions:events` (what a peer following the feed holds) reads a region by id, the way
    dealers and advisors check the regions their records name, and nothing more."""
    region = await create(regions, "510000", "四川")
    async with client_for(regions_app, "regions", ("regions:events",)) as peer:
        r = await peer.get(f"/v1/regions/{region['id']}")
        assert r.status_code == 200 and r.json()["code"] == "510000"
        assert (await peer.get(f"/v1/regions/{uuid4()}")).status_code == 404
        for path in ("/v1/regions", f"/v1/regions/{region['id']}/path", "/v1/targets"):
            assert (await peer.get(path)).status_code == 403, path
        r = await peer.post("/v1/regions", json={"code": "520000", "name": "贵州"})
        assert r.status_code == 403
    r = await regions.get(
        f"/v1/regions/{region['id']}", headers=auth_headers("regions", ["regions:write"])
    )
    assert r.status_code == 403
