"""References to other services' records, checked: an advisor's region, the account of an
assignment, a visit or a planned visit. Unknown or deleted → 422 naming the field; an id the copy
hasn't seen is asked of its owner once; an owner that can't be asked → 503 naming it, and
nothing is written."""

from typing import Any

import httpx
import pytest

from tests.advisors.feed_events import outlet_event, publish, region_event
from tests.advisors.helpers import (
    CHENGDU,
    DEALER,
    MIANYANG,
    NOBODY,
    SHOP,
    assert_problem,
    assign,
    assignment_body,
    body,
    count,
    create,
    listed,
    patch,
    pointers,
    visit_body,
)
from tests.advisors.owners import FakeOwners


@pytest.fixture
async def app(advisors: httpx.AsyncClient, apps: Any, backend: str) -> Any:
    """The advisors app behind the `advisors` client (its copies live in the test's transaction)."""
    return await apps("advisors", backend)


def refused(r: httpx.Response, pointer: str) -> str:
    assert_problem(r, 422)
    assert pointers(r) == [pointer], r.text
    return str(r.json()["errors"][0]["detail"])


async def test_a_region_is_checked_and_asked_of_its_owner_once(
    advisors: httpx.AsyncClient, owners: FakeOwners
) -> None:
    await create(advisors, 1, region_id=CHENGDU)
    await create(advisors, 2, region_id=CHENGDU)
    assert owners.asked == [("regions", CHENGDU)]  # copied on the first ask
    detail = refused(
        await advisors.post("/v1/advisors", json=body(3, region_id=NOBODY)), "#/region_id"
    )
    assert "no regions record" in detail
    advisor = await create(advisors, 4)
    r = await patch(advisors, advisor, {"region_id": NOBODY})
    refused(r, "#/region_id")
    assert (await advisors.get(f"/v1/advisors/{advisor['id']}")).json()["version"] == 1
    assert (await patch(advisors, advisor, {"region_id": MIANYANG})).status_code == 200
    assert await count(advisors) == 3


async def test_a_deleted_region_is_refused(advisors: httpx.AsyncClient, app: Any) -> None:
    await publish(
        app, region_event("region.created", CHENGDU), region_event("region.deleted", CHENGDU)
    )
    detail = refused(
        await advisors.post("/v1/advisors", json=body(1, region_id=CHENGDU)), "#/region_id"
    )
    assert "deleted" in detail


async def test_an_owner_that_cannot_be_asked_is_a_503_and_nothing_is_written(
    advisors: httpx.AsyncClient, owners: FakeOwners, app: Any
) -> None:
    a = await create(advisors, 1)
    owners.down = True
    r = await advisors.post("/v1/advisors", json=body(2, region_id=CHENGDU))
    problem = assert_problem(r, 503)
    assert problem["service"] == "regions" and "regions" in problem["detail"]
    r = await advisors.post("/v1/assignments", json=assignment_body(a))
    assert assert_problem(r, 503)["service"] == "dealers"
    r = await advisors.post("/v1/visits", json=visit_body(a))
    assert assert_problem(r, 503)["service"] == "dealers"
    items = [body(3), body(4, region_id=CHENGDU)]
    assert assert_problem(await advisors.post("/v1/advisors/bulk", json={"items": items}), 503)
    assert await count(advisors) == 1
    assert await listed(advisors, "/v1/assignments") == []
    assert await listed(advisors, "/v1/visits") == []
    # what the copy knows needs no owner
    await publish(
        app, region_event("region.created", MIANYANG), outlet_event("outlet.created", SHOP, DEALER)
    )
    await create(advisors, 5, region_id=MIANYANG)
    await assign(advisors, a)


async def test_bulk_refuses_the_items_of_an_unknown_region_only(
    advisors: httpx.AsyncClient, owners: FakeOwners
) -> None:
    items = [body(1, region_id=CHENGDU), body(2, region_id=NOBODY), body(3, region_id=NOBODY)]
    r = await advisors.post("/v1/advisors/bulk", json={"items": items})
    assert r.status_code == 200, r.text
    result = r.json()
    assert [i["status"] for i in result["items"]] == ["created", "invalid", "invalid"]
    assert result["items"][1]["errors"][0]["pointer"] == "#/region_id"
    assert sorted(owners.asked) == [("regions", CHENGDU), ("regions", NOBODY)]  # each once
    assert await count(advisors) == 1


async def test_an_account_is_the_kind_the_request_names(
    advisors: httpx.AsyncClient, owners: FakeOwners, app: Any
) -> None:
    a = await create(advisors, 1)
    dealer = await assign(advisors, a, account_kind="dealer", account_id=DEALER)
    assert dealer["account_id"] == DEALER
    refused(
        await advisors.post("/v1/assignments", json=assignment_body(a, account_id=DEALER)),
        "#/account_id",
    )
    assert ("outlets", DEALER) in owners.asked
    await publish(app, outlet_event("outlet.deleted", SHOP, DEALER))
    detail = refused(
        await advisors.post("/v1/assignments", json=assignment_body(a)), "#/account_id"
    )
    assert "deleted" in detail
    refused(await advisors.post("/v1/visits", json=visit_body(a)), "#/account_id")
    r = await advisors.post("/v1/visits", json=visit_body(a, account_id=NOBODY))
    refused(r, "#/account_id")
    assert len(await listed(advisors, "/v1/assignments")) == 1
    assert await listed(advisors, "/v1/visits") == []


async def test_a_planned_visit_names_a_known_account(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    visits = [
        {
            "account_kind": "outlet",
            "account_id": SHOP,
            "planned_date": "2026-03-03",
            "purpose": "铺货",
        },
        {
            "account_kind": "dealer",
            "account_id": NOBODY,
            "planned_date": "2026-03-04",
            "purpose": "对账",
        },
    ]
    plan = {
        "advisor_id": a["id"],
        "kind": "week",
        "period_start": "2026-03-02",
        "objectives": ["铺货"],
    }
    r = await advisors.post("/v1/action-plans", json=plan | {"planned_visits": visits})
    refused(r, "#/planned_visits/1/account_id")
    made = await advisors.post("/v1/action-plans", json=plan | {"planned_visits": visits[:1]})
    assert made.status_code == 201, made.text
    r = await advisors.patch(
        f"/v1/action-plans/{made.json()['id']}",
        json={"planned_visits": visits},
        headers={"If-Match": '"v1"'},
    )
    refused(r, "#/planned_visits/1/account_id")


@pytest.mark.parametrize("field", ["account_latitude", "account_longitude"])
async def test_an_assignment_takes_no_coordinates(advisors: httpx.AsyncClient, field: str) -> None:
    a = await create(advisors, 1)
    detail = refused(
        await advisors.post("/v1/assignments", json=assignment_body(a, **{field: 30.6})),
        f"#/{field}",
    )
    assert "outlet" in detail and "dealers service" in detail
    made = await assign(advisors, a)
    r = await advisors.patch(
        f"/v1/assignments/{made['id']}", json={field: 30.6}, headers={"If-Match": '"v1"'}
    )
    refused(r, f"#/{field}")


async def test_a_check_in_is_measured_from_the_outlet_as_the_copy_has_it(
    advisors: httpx.AsyncClient, app: Any
) -> None:
    a = await create(advisors, 1)
    home = {"to": "checked_in", "latitude": 30.657, "longitude": 104.066}

    async def check_in() -> dict[str, Any]:
        visit = (await advisors.post("/v1/visits", json=visit_body(a))).json()
        r = await advisors.post(f"/v1/visits/{visit['id']}/transitions", json=home)
        assert r.status_code == 200, r.text
        return dict(r.json())

    at_home = await check_in()
    assert (at_home["distance_m"], at_home["far_from_account"]) == (0.0, False)
    # the dealers service moves the outlet 1.1 km north: the next check-in at HOME is far
    moved = outlet_event(
        "outlet.updated", SHOP, DEALER, latitude=30.667, longitude=104.066, version=10**8
    )
    await publish(app, moved)
    away = await check_in()
    assert away["far_from_account"] is True and 1100 < away["distance_m"] < 1125
