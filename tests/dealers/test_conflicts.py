"""Channel conflicts: parties (dealers or outlets), evidence, the status flow with resolution and
penalty, listing by region, party and status, and partner isolation."""

from typing import Any

import httpx
import pytest

from tests.api import listed
from tests.dealers.helpers import (
    CHENGDU,
    MIANYANG,
    assert_problem,
    create,
    make_outlet,
    partner,
    pointers,
    unknown_id,
)

PATH = "/v1/conflicts"


def conflict_body(*parties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "cross_region_selling",
        "region_id": CHENGDU,
        "reported_on": "2026-11-02",
        "description": "绵阳货源出现在成都终端",
        "evidence": ["photo://IMG_0012", "批号 A2609"],
        "parties": list(parties),
    } | extra


async def report(client: httpx.AsyncClient, *parties: dict[str, Any], **extra: Any) -> Any:
    r = await client.post(PATH, json=conflict_body(*parties, **extra))
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_conflict_between_a_dealer_and_an_outlet(dealers: httpx.AsyncClient) -> None:
    a, b = await create(dealers, 1), await create(dealers, 2)
    outlet = await make_outlet(dealers, 1, b)
    got = await report(
        dealers,
        {"dealer_id": a["id"], "role": "complainant"},
        {"outlet_id": outlet["id"], "role": "respondent"},
    )
    assert got["status"] == "open" and got["evidence"] == ["photo://IMG_0012", "批号 A2609"]
    assert got["parties"] == [
        {"dealer_id": a["id"], "outlet_id": None, "role": "complainant"},
        {"dealer_id": b["id"], "outlet_id": outlet["id"], "role": "respondent"},
    ]
    assert (await dealers.get(f"{PATH}/{got['id']}")).json() == got


@pytest.mark.parametrize(
    ("parties", "extra", "pointer"),
    [
        ([{}], {}, "#/parties/0"),
        ([{"dealer_id": unknown_id()}], {}, "#/parties/0/dealer_id"),
        ([{"outlet_id": unknown_id()}], {}, "#/parties/0/outlet_id"),
        ([], {}, "#/parties"),
        (None, {"type": "smuggling"}, "#/type"),
        (None, {"evidence": [""]}, "#/evidence/0"),
    ],
)
async def test_bad_conflicts_are_named(
    dealers: httpx.AsyncClient, parties: Any, extra: dict[str, Any], pointer: str
) -> None:
    a = await create(dealers, 1)
    given = parties if parties is not None else [{"dealer_id": a["id"]}]
    r = await dealers.post(PATH, json=conflict_body(*given, **extra))
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await listed(dealers, PATH) == []


async def test_status_flow_with_resolution_and_penalty(dealers: httpx.AsyncClient) -> None:
    a = await create(dealers, 1)
    got = await report(dealers, {"dealer_id": a["id"]})
    path = f"{PATH}/{got['id']}"

    async def patch(body: dict[str, Any], version: int) -> httpx.Response:
        return await dealers.patch(path, json=body, headers={"If-Match": f'"v{version}"'})

    jump = await patch({"status": "resolved", "resolution": "x"}, 1)
    assert assert_problem(jump, 409)["field"] == "status"
    assert (await patch({"status": "investigating"}, 1)).status_code == 200
    assert pointers(await patch({"status": "resolved"}, 2)) == ["#/resolution"]
    done = await patch({"status": "resolved", "resolution": "罚款并收回", "penalty": "5000"}, 2)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["penalty"]) == ("resolved", "5000.00")
    again = await patch({"status": "investigating"}, 3)
    assert assert_problem(again, 409)["field"] == "status"
    assert_problem(await patch({"description": "x"}, 1), 412)


async def test_listed_by_region_party_and_status(dealers: httpx.AsyncClient) -> None:
    a, b = await create(dealers, 1), await create(dealers, 2)
    outlet = await make_outlet(dealers, 1, b)
    first = await report(dealers, {"dealer_id": a["id"]})
    second = await report(dealers, {"outlet_id": outlet["id"]}, region_id=MIANYANG)
    await dealers.patch(
        f"{PATH}/{first['id']}", json={"status": "dismissed"}, headers={"If-Match": '"v1"'}
    )

    async def ids(**params: Any) -> list[str]:
        return [c["id"] for c in await listed(dealers, PATH, **params)]

    assert await ids(region_id=MIANYANG) == [second["id"]]
    assert await ids(dealer_id=b["id"]) == [second["id"]]
    assert await ids(outlet_id=outlet["id"]) == [second["id"]]
    assert await ids(status="dismissed") == [first["id"]]
    assert await ids(type="cross_region_selling") == [first["id"], second["id"]]


async def test_partners_see_only_conflicts_they_are_party_to(dealers: httpx.AsyncClient) -> None:
    a, b, c = [await create(dealers, n) for n in (1, 2, 3)]
    ours = await report(dealers, {"dealer_id": a["id"]}, {"dealer_id": b["id"]})
    theirs = await report(dealers, {"dealer_id": b["id"]}, {"dealer_id": c["id"]})
    headers = partner(a)
    assert [x["id"] for x in (await dealers.get(PATH, headers=headers)).json()["items"]] == [
        ours["id"]
    ]
    assert (await dealers.get(f"{PATH}/{ours['id']}", headers=headers)).status_code == 200
    assert_problem(await dealers.get(f"{PATH}/{theirs['id']}", headers=headers), 404)
    if_match = headers | {"If-Match": '"v1"'}
    r = await dealers.patch(
        f"{PATH}/{theirs['id']}", json={"status": "dismissed"}, headers=if_match
    )
    assert_problem(r, 404)
    r = await dealers.patch(f"{PATH}/{ours['id']}", json={"status": "dismissed"}, headers=if_match)
    assert_problem(r, 403)
    assert_problem(
        await dealers.post(PATH, json=conflict_body({"dealer_id": a["id"]}), headers=headers), 403
    )
    assert (await dealers.get(f"{PATH}/{theirs['id']}")).json()["status"] == "open"
