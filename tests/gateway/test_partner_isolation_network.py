"""A partner key for dealer A, end to end through the gateway, over every dealer-data collection
of the network: lifecycle history, outlets (and their moves, bulk), products (read only). Dealer
B's records answer 404 like unknown ones, writes to them change nothing, and bulk items for B
are refused one by one."""

from typing import Any

import httpx
import pytest

from gateway.settings import GatewaySettings
from tests.gateway.conftest import key_header, person
from tests.gateway.test_partner_isolation import make_dealer

REGION = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
UNKNOWN = "01a221de-0000-7000-8000-000000000000"


def outlet(code: str, dealer: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"{code} 超市",
        "type": "supermarket",
        "grade": "A",
        "region_id": REGION,
        "dealer_id": dealer["id"],
    }


@pytest.fixture
async def network(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, admin_key: str
) -> dict[str, Any]:
    manager = person(gateway_settings, "manager")
    a = await make_dealer(gw, manager, "DA", 1)
    b = await make_dealer(gw, manager, "DB", 2)
    r = await gw.post(
        f"/v1/dealers/{b['id']}/transitions",
        json={"to": "negotiating"},
        headers=manager,
    )
    assert r.status_code == 200, r.text
    outlets = {}
    for code, dealer in (("TA1", a), ("TB1", b)):
        r = await gw.post("/v1/outlets", json=outlet(code, dealer), headers=manager)
        assert r.status_code == 201, r.text
        outlets[code] = r.json()
    product = {"code": "SKU-1", "name": "酱油", "unit": "箱", "list_price": "30"}
    r = await gw.post("/v1/products", json=product, headers=manager)
    assert r.status_code == 201, r.text
    r = await gw.post(
        "/v1/api-clients",
        json={
            "name": "partner-a",
            "kind": "partner",
            "scopes": ["dealers:read", "dealers:write", "orders:write", "stock:report"],
            "dealer_ids": [a["id"]],
        },
        headers=key_header(admin_key),
    )
    assert r.status_code == 201, r.text
    return {
        "a": a,
        "b": b,
        "outlets": outlets,
        "key": key_header(r.json()["key"]["key"]),
        "manager": manager,
    }


def masked(r: httpx.Response, some_id: str) -> dict[str, Any]:
    body = dict(r.json())
    body.pop("instance", None)
    return {k: v.replace(some_id, "X") if isinstance(v, str) else v for k, v in body.items()}


async def test_lists_hold_only_the_partners_records(
    gw: httpx.AsyncClient, network: dict[str, Any]
) -> None:
    key, a, b = network["key"], network["a"], network["b"]
    outlets = (await gw.get("/v1/outlets", headers=key)).json()["items"]
    assert [o["code"] for o in outlets] == ["TA1"]
    r = await gw.get("/v1/outlets", params={"dealer_id": b["id"]}, headers=key)
    assert r.json()["items"] == []
    r = await gw.get("/v1/dealers", params={"lifecycle_stage": "negotiating"}, headers=key)
    assert r.json()["items"] == []
    history = await gw.get(f"/v1/dealers/{a['id']}/transitions", headers=key)
    assert history.status_code == 200 and history.json()["items"] == []
    products = (await gw.get("/v1/products", headers=key)).json()["items"]
    assert [p["code"] for p in products] == ["SKU-1"]  # the catalogue is shared


async def test_another_dealers_records_look_unknown(
    gw: httpx.AsyncClient, network: dict[str, Any]
) -> None:
    key, b, theirs = network["key"], network["b"], network["outlets"]["TB1"]
    for path, real in (
        ("/v1/dealers/{}/transitions", b["id"]),
        ("/v1/outlets/{}", theirs["id"]),
        ("/v1/outlets/{}/transitions", theirs["id"]),
    ):
        found = await gw.get(path.format(real), headers=key)
        unknown = await gw.get(path.format(UNKNOWN), headers=key)
        assert found.status_code == unknown.status_code == 404, path
        assert masked(found, real) == masked(unknown, UNKNOWN)


async def test_writes_to_another_dealers_records_change_nothing(
    gw: httpx.AsyncClient, network: dict[str, Any]
) -> None:
    key, a, b = network["key"], network["a"], network["b"]
    mine, theirs = network["outlets"]["TA1"], network["outlets"]["TB1"]
    if_match = key | {"If-Match": '"v1"'}
    attempts = [
        await gw.patch(f"/v1/outlets/{theirs['id']}", json={"grade": "C"}, headers=if_match),
        await gw.delete(f"/v1/outlets/{theirs['id']}", headers=if_match),
        await gw.post(f"/v1/outlets/{theirs['id']}/transitions", json={"to": a["id"]}, headers=key),
        await gw.post(
            f"/v1/dealers/{b['id']}/transitions",
            json={"to": "partner"},
            headers=key,
        ),
    ]
    assert [r.status_code for r in attempts] == [404, 404, 404, 404]
    refused = [
        await gw.post("/v1/outlets", json=outlet("TA2", b), headers=key),
        await gw.post(f"/v1/outlets/{mine['id']}/transitions", json={"to": b["id"]}, headers=key),
    ]
    assert [r.json()["errors"][0]["pointer"] for r in refused] == ["#/dealer_id", "#/to"]
    manager = network["manager"]
    after = (await gw.get(f"/v1/outlets/{theirs['id']}", headers=manager)).json()
    assert (after["version"], after["grade"], after["dealer_id"]) == (1, "A", b["id"])
    assert (await gw.get(f"/v1/dealers/{b['id']}", headers=manager)).json()[
        "lifecycle_stage"
    ] == "negotiating"
    codes = [o["code"] for o in (await gw.get("/v1/outlets", headers=manager)).json()["items"]]
    assert codes == ["TA1", "TB1"]


async def test_bulk_items_for_another_dealer_are_refused_one_by_one(
    gw: httpx.AsyncClient, network: dict[str, Any]
) -> None:
    key, a, b = network["key"], network["a"], network["b"]
    items = [outlet("TA2", a), outlet("TB2", b), outlet("TB1", a)]
    r = await gw.post("/v1/outlets/bulk", json={"items": items}, headers=key)
    assert r.status_code == 200, r.text
    assert [i["status"] for i in r.json()["items"]] == ["created", "invalid", "invalid"]
    manager = network["manager"]
    codes = [o["code"] for o in (await gw.get("/v1/outlets", headers=manager)).json()["items"]]
    assert codes == ["TA1", "TB1", "TA2"]
    theirs = (
        await gw.get(f"/v1/outlets/{network['outlets']['TB1']['id']}", headers=manager)
    ).json()
    assert theirs["dealer_id"] == b["id"] and theirs["version"] == 1
    for path in ("/v1/dealers/bulk", "/v1/products/bulk"):
        r = await gw.post(path, json={"items": [{"code": "X1"}]}, headers=key)
        assert r.status_code == 403, path


async def test_partners_cannot_write_the_catalogue(
    gw: httpx.AsyncClient, network: dict[str, Any]
) -> None:
    key = network["key"]
    body = {"code": "SKU-2", "name": "醋", "unit": "箱", "list_price": "20"}
    assert (await gw.post("/v1/products", json=body, headers=key)).status_code == 403
    products = (await gw.get("/v1/products", headers=network["manager"])).json()["items"]
    assert [p["code"] for p in products] == ["SKU-1"]


@pytest.fixture
async def records(gw: httpx.AsyncClient, network: dict[str, Any]) -> dict[str, Any]:
    """A support activity, an evaluation and a conflict for each dealer, made by a manager."""
    manager, made = network["manager"], {}
    factors = [{"code": "loyalty", "name": "忠诚度", "weight": 100}]
    template = await gw.post(
        "/v1/scorecard-templates",
        json={
            "code": "SYN",
            "name": "厂家评经销商",
            "direction": "manufacturer_rates_dealer",
            "scale_max": 5,
            "factors": factors,
        },
        headers=manager,
    )
    assert template.status_code == 201, template.text
    made["template"] = template.json()
    for name in ("a", "b"):
        dealer_id = network[name]["id"]
        bodies = {
            "activity": (
                "/v1/support-activities",
                {
                    "dealer_id": dealer_id,
                    "flow": "capital",
                    "activity_type": "settlement_support",
                    "activity_on": "2026-10-01",
                    "description": "结算支持",
                },
            ),
            "evaluation": (
                "/v1/scorecard-evaluations",
                {
                    "template_id": made["template"]["id"],
                    "dealer_id": dealer_id,
                    "period": "2026-10",
                    "scores": [{"factor": "loyalty", "score": 4}],
                },
            ),
            "conflict": (
                "/v1/conflicts",
                {
                    "type": "price_undercutting",
                    "region_id": REGION,
                    "reported_on": "2026-10-02",
                    "description": "低价倾销",
                    "parties": [{"dealer_id": dealer_id}],
                },
            ),
        }
        for kind, (path, body) in bodies.items():
            r = await gw.post(path, json=body, headers=manager)
            assert r.status_code == 201, r.text
            made[f"{kind}_{name}"] = r.json()
    return made


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/v1/support-activities", "activity"),
        ("/v1/scorecard-evaluations", "evaluation"),
        ("/v1/conflicts", "conflict"),
    ],
)
async def test_logs_scorecards_and_conflicts_are_isolated(
    gw: httpx.AsyncClient, network: dict[str, Any], records: dict[str, Any], path: str, kind: str
) -> None:
    key = network["key"]
    mine, theirs = records[f"{kind}_a"], records[f"{kind}_b"]
    listed = (await gw.get(path, headers=key)).json()["items"]
    assert [x["id"] for x in listed] == [mine["id"]]
    assert (await gw.get(f"{path}/{mine['id']}", headers=key)).status_code == 200
    found = await gw.get(f"{path}/{theirs['id']}", headers=key)
    unknown = await gw.get(f"{path}/{UNKNOWN}", headers=key)
    assert found.status_code == unknown.status_code == 404
    assert masked(found, theirs["id"]) == masked(unknown, UNKNOWN)
    if_match = key | {"If-Match": '"v1"'}
    assert (await gw.delete(f"{path}/{theirs['id']}", headers=if_match)).status_code in (404, 405)
    if kind != "evaluation":
        r = await gw.patch(f"{path}/{theirs['id']}", json={"description": "x"}, headers=if_match)
        assert r.status_code == 404
    after = (await gw.get(f"{path}/{theirs['id']}", headers=network["manager"])).json()
    assert after["version"] == 1


async def test_reports_are_limited_to_the_partners_network(
    gw: httpx.AsyncClient, network: dict[str, Any], records: dict[str, Any]
) -> None:
    key, a, b = network["key"], network["a"], network["b"]
    summary = (await gw.get("/v1/support-activities/summary", headers=key)).json()["items"]
    assert {s["dealer_id"] for s in summary} == {a["id"]}
    params = {"template_id": records["template"]["id"]}
    ranking = (await gw.get("/v1/scorecard-evaluations/ranking", params=params, headers=key)).json()
    assert [i["dealer_id"] for i in ranking["items"]] == [a["id"]]
    trend = await gw.get(
        "/v1/scorecard-evaluations/trend", params=params | {"dealer_id": b["id"]}, headers=key
    )
    assert trend.status_code == 404
    conc = (await gw.get("/v1/network-analytics/concentration", headers=key)).json()
    assert [i["dealer_id"] for i in conc["items"]] == [a["id"]]
    mix = (
        await gw.get("/v1/network-analytics/outlets", params={"group_by": "dealer"}, headers=key)
    ).json()
    assert [i["key"] for i in mix["items"]] == [a["id"]]
    stages = (await gw.get("/v1/network-analytics/dealers", headers=key)).json()["items"]
    assert sum(i["dealers"] for i in stages) == 1
