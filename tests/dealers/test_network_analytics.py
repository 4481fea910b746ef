"""Network analytics: outlet mix and flow per region and per dealer, concentration across
dealers, dealers by stage and tier; partners see their own network only."""

from typing import Any

import httpx

from tests.dealers.helpers import (
    CHENGDU,
    MIANYANG,
    create,
    execute,
    extreme_days,
    make_outlet,
    partner,
)

PATH = "/v1/network-analytics"


async def network(dealers: httpx.AsyncClient) -> tuple[dict[str, Any], ...]:
    a = await create(dealers, 1, tier="core")
    b = await create(dealers, 2, region_id=MIANYANG)
    await dealers.post(f"/v1/dealers/{a['id']}/transitions", json={"to": "negotiating"})
    specs = [
        (a, "A", "supermarket", "active", "2026-09-03", None),
        (a, "A", "convenience", "active", "2026-10-01", None),
        (a, "B", "convenience", "closed", "2026-09-10", "2026-10-20"),
        (b, "C", "wholesale", "active", "2026-10-05", None),
    ]
    for n, (dealer, grade, kind, status, joined, closed) in enumerate(specs):
        await make_outlet(
            dealers,
            n,
            dealer,
            grade=grade,
            type=kind,
            status=status,
            joined_on=joined,
            closed_on=closed,
            region_id=dealer["region_id"],
        )
    return a, b


async def test_outlet_mix_per_region_and_per_dealer(dealers: httpx.AsyncClient) -> None:
    a, b = await network(dealers)
    r = await dealers.get(f"{PATH}/outlets")
    assert r.status_code == 200, r.text
    items = {i["key"]: i for i in r.json()["items"]}
    chengdu = items[CHENGDU]
    assert chengdu["outlets"] == 3
    assert chengdu["by_status"] == {"active": 2, "closed": 1}
    assert chengdu["by_grade"] == {"A": 2, "B": 1}
    assert chengdu["by_type"] == {"supermarket": 1, "convenience": 2}
    assert items[MIANYANG]["by_type"] == {"wholesale": 1}
    per_dealer = (await dealers.get(f"{PATH}/outlets", params={"group_by": "dealer"})).json()
    assert [(i["key"], i["outlets"]) for i in per_dealer["items"]] == [(a["id"], 3), (b["id"], 1)]


async def test_new_and_closed_outlets_per_month(dealers: httpx.AsyncClient) -> None:
    a, _ = await network(dealers)
    r = await dealers.get(
        f"{PATH}/outlet-flow", params={"group_by": "dealer", "dealer_id": a["id"]}
    )
    rows = [(i["period"], i["joined"], i["closed"]) for i in r.json()["items"]]
    assert rows == [("2026-09", 2, 0), ("2026-10", 1, 1)]
    r = await dealers.get(f"{PATH}/outlet-flow", params={"period_from": "2026-10"})
    assert sum(i["joined"] for i in r.json()["items"]) == 2


async def test_concentration_and_dealer_mix(dealers: httpx.AsyncClient) -> None:
    a, b = await network(dealers)
    r = (await dealers.get(f"{PATH}/concentration")).json()
    assert r["outlets"] == 4
    assert [(i["dealer_id"], i["outlets"], i["share"]) for i in r["items"]] == [
        (a["id"], 3, "75.00"),
        (b["id"], 1, "25.00"),
    ]
    active = (await dealers.get(f"{PATH}/concentration", params={"active_only": "true"})).json()
    assert active["outlets"] == 3
    mix = {i["region_id"]: i for i in (await dealers.get(f"{PATH}/dealers")).json()["items"]}
    assert mix[CHENGDU]["by_stage"] == {"negotiating": 1} and mix[CHENGDU]["by_tier"] == {"core": 1}
    assert mix[MIANYANG]["by_stage"] == {"identified": 1}


async def test_partners_see_only_their_network(dealers: httpx.AsyncClient) -> None:
    a, b = await network(dealers)
    headers = partner(b)
    mix = (await dealers.get(f"{PATH}/outlets", headers=headers)).json()["items"]
    assert [(i["key"], i["outlets"]) for i in mix] == [(MIANYANG, 1)]
    conc = (await dealers.get(f"{PATH}/concentration", headers=headers)).json()
    assert [i["dealer_id"] for i in conc["items"]] == [b["id"]]
    flow = (
        await dealers.get(f"{PATH}/outlet-flow", params={"dealer_id": a["id"]}, headers=headers)
    ).json()
    assert flow["items"] == []
    dealers_mix = (await dealers.get(f"{PATH}/dealers", headers=headers)).json()["items"]
    assert [i["region_id"] for i in dealers_mix] == [MIANYANG]


async def test_outlets_dated_out_of_range_break_no_report(
    dealers: httpx.AsyncClient, backend: str
) -> None:
    """Old rows may hold joined or closed days the API no longer accepts (PostgreSQL's
    ±infinity): the flow report leaves those days out and still answers."""
    a, _ = await network(dealers)
    latest, earliest = extreme_days(backend)
    odd = await make_outlet(dealers, 9, a, joined_on="2026-09-15", region_id=a["region_id"])
    sql = f"UPDATE outlets SET joined_on = '{earliest}', closed_on = '{latest}' WHERE id = :id"
    await execute(dealers, sql, id=odd["id"])
    r = await dealers.get(
        f"{PATH}/outlet-flow", params={"group_by": "dealer", "dealer_id": a["id"]}
    )
    assert r.status_code == 200, r.text
    rows = [(i["period"], i["joined"], i["closed"]) for i in r.json()["items"]]
    assert rows == [("2026-09", 2, 0), ("2026-10", 1, 1)]
    r = await dealers.get(f"{PATH}/outlet-flow", params={"period_to": "2026-09"})
    assert r.status_code == 200 and sum(i["joined"] for i in r.json()["items"]) == 2
    assert (await dealers.get(f"/v1/outlets/{odd['id']}")).status_code == 200
    assert (await dealers.get(f"{PATH}/outlets")).status_code == 200
