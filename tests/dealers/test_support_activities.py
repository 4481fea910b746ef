"""Support activities: four flows with their own activity types, partner isolation, and the
summary per dealer, month and flow."""

from typing import Any

import httpx
import pytest

from tests.api import listed
from tests.dealers.helpers import (
    ADVISOR,
    assert_problem,
    create,
    execute,
    extreme_days,
    partner,
    pointers,
    unknown_id,
)

PATH = "/v1/support-activities"


def activity(dealer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "dealer_id": dealer["id"],
        "flow": "logistics",
        "activity_type": "inventory_management_guidance",
        "activity_on": "2026-10-12",
        "description": "进销存台账辅导",
    } | extra


async def record(client: httpx.AsyncClient, dealer: dict[str, Any], **extra: Any) -> Any:
    r = await client.post(PATH, json=activity(dealer, **extra))
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize(
    ("flow", "activity_type"),
    [
        ("commercial", "staff_training"),
        ("information", "market_research"),
        ("logistics", "delivery_optimisation"),
        ("capital", "receivables_management"),
    ],
)
async def test_each_flow_takes_its_own_types(
    dealers: httpx.AsyncClient, flow: str, activity_type: str
) -> None:
    dealer = await create(dealers, 1)
    got = await record(
        dealers, dealer, flow=flow, activity_type=activity_type, advisor_id=ADVISOR, outcome="好"
    )
    assert (got["flow"], got["activity_type"], got["advisor_id"]) == (flow, activity_type, ADVISOR)


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"flow": "capital", "activity_type": "pricing"}, "#/activity_type"),
        ({"activity_type": "golf"}, "#/activity_type"),
        ({"flow": "money"}, "#/flow"),
        ({"activity_on": "12/10/2026"}, "#/activity_on"),
        ({"description": ""}, "#/description"),
        ({"description": " \t\n\u3000"}, "#/description"),
        ({"outcome": "  "}, "#/outcome"),
        ({"dealer_id": unknown_id()}, "#/dealer_id"),
        ({"activity_on": "9999-12-31"}, "#/activity_on"),
        ({"activity_on": "0001-01-01"}, "#/activity_on"),
        ({"activity_on": "2199-12-31"}, "#/activity_on"),
        ({"activity_on": 20261012}, "#/activity_on"),
    ],
)
async def test_bad_fields_are_named(
    dealers: httpx.AsyncClient, extra: dict[str, Any], pointer: str
) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.post(PATH, json=activity(dealer, **extra))
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await listed(dealers, PATH) == []


async def test_update_keeps_type_and_flow_together(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    got = await record(dealers, dealer)
    path = f"{PATH}/{got['id']}"
    bad = await dealers.patch(path, json={"flow": "capital"}, headers={"If-Match": '"v1"'})
    assert pointers(bad) == ["#/activity_type"]
    ok = await dealers.patch(
        path,
        json={"flow": "capital", "activity_type": "cost_control"},
        headers={"If-Match": '"v1"'},
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert_problem(await dealers.delete(path, headers={"If-Match": '"v1"'}), 412)
    assert (await dealers.delete(path, headers={"If-Match": '"v2"'})).status_code == 204


async def test_filters_and_summary_by_dealer_month_and_flow(dealers: httpx.AsyncClient) -> None:
    a, b = await create(dealers, 1), await create(dealers, 2)
    await record(dealers, a, activity_on="2026-09-03")
    await record(dealers, a, activity_on="2026-09-20")
    await record(dealers, a, flow="capital", activity_type="cost_control", activity_on="2026-09-21")
    await record(dealers, a, activity_on="2026-10-01")
    await record(dealers, b, activity_on="2026-10-02")
    assert len(await listed(dealers, PATH, dealer_id=a["id"], flow="logistics")) == 3
    assert len(await listed(dealers, PATH, **{"from": "2026-10-01"})) == 2
    r = await dealers.get(f"{PATH}/summary", params={"dealer_id": a["id"]})
    assert r.status_code == 200, r.text
    rows = [(i["period"], i["flow"], i["activities"]) for i in r.json()["items"]]
    assert rows == [
        ("2026-09", "capital", 1),
        ("2026-09", "logistics", 2),
        ("2026-10", "logistics", 1),
    ]
    r = await dealers.get(f"{PATH}/summary", params={"from": "2026-10-01", "to": "2026-10-31"})
    assert {(i["dealer_id"], i["activities"]) for i in r.json()["items"]} == {
        (a["id"], 1),
        (b["id"], 1),
    }


async def test_partners_read_only_their_dealers_log(dealers: httpx.AsyncClient) -> None:
    a, b = await create(dealers, 1), await create(dealers, 2)
    mine, theirs = await record(dealers, a), await record(dealers, b)
    headers = partner(a)
    assert [x["id"] for x in (await dealers.get(PATH, headers=headers)).json()["items"]] == [
        mine["id"]
    ]
    summary = (await dealers.get(f"{PATH}/summary", headers=headers)).json()["items"]
    assert {s["dealer_id"] for s in summary} == {a["id"]}
    assert_problem(await dealers.get(f"{PATH}/{theirs['id']}", headers=headers), 404)
    if_match = headers | {"If-Match": '"v1"'}
    r = await dealers.patch(f"{PATH}/{theirs['id']}", json={"outcome": "x"}, headers=if_match)
    assert_problem(r, 404)
    assert_problem(await dealers.delete(f"{PATH}/{theirs['id']}", headers=if_match), 404)
    assert_problem(await dealers.post(PATH, json=activity(a), headers=headers), 403)
    assert (await dealers.get(f"{PATH}/{theirs['id']}")).json()["version"] == 1


@pytest.mark.parametrize("params", [{"from": "0"}, {"to": "9999-12-31"}, {"from": "2026-02-30"}])
async def test_bad_date_filters_are_named(
    dealers: httpx.AsyncClient, params: dict[str, str]
) -> None:
    for path in (PATH, f"{PATH}/summary"):
        r = await dealers.get(path, params=params)
        assert_problem(r, 422)
        assert pointers(r) == [f"#/{next(iter(params))}"]


async def test_rows_dated_out_of_range_break_no_report(
    dealers: httpx.AsyncClient, backend: str
) -> None:
    """Old rows may hold days the API no longer accepts (PostgreSQL's ±infinity): the summary
    leaves them out and every read still answers."""
    dealer = await create(dealers, 1)
    kept = await record(dealers, dealer, activity_on="2026-09-03")
    for day in extreme_days(backend):
        odd = await record(dealers, dealer, activity_on="2026-09-04")
        sql = f"UPDATE support_activities SET activity_on = '{day}' WHERE id = :id"
        await execute(dealers, sql, id=odd["id"])
    r = await dealers.get(f"{PATH}/summary")
    assert r.status_code == 200, r.text
    assert [(i["period"], i["activities"]) for i in r.json()["items"]] == [("2026-09", 1)]
    r = await dealers.get(
        f"{PATH}/summary", params={"dealer_id": dealer["id"], "from": "2026-01-01"}
    )
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    everything = await listed(dealers, PATH)
    assert len(everything) == 3 and kept["id"] in {a["id"] for a in everything}
