"""Builders the regions tests share: a small tree, competitors, surveys, budgets and posting
helpers."""

from typing import Any

import httpx

from tests.api import assert_problem


async def create(client: httpx.AsyncClient, code: str, name: str, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/regions", json={"code": code, "name": name, **extra})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def post(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    r = await client.post(path, json=body)
    assert r.status_code == status, r.text
    return dict(r.json())


async def small_tree(client: httpx.AsyncClient) -> dict[str, str]:
    """四川 → 成都 (锦江, 青羊), 绵阳 (涪城); ids by code."""
    ids: dict[str, str] = {}
    ids["510000"] = (await create(client, "510000", "四川省"))["id"]
    for code, name in [("510100", "成都市"), ("510700", "绵阳市")]:
        ids[code] = (await create(client, code, name, parent_id=ids["510000"]))["id"]
    for code, name, parent in [
        ("510104", "锦江区", "510100"),
        ("510105", "青羊区", "510100"),
        ("510703", "涪城区", "510700"),
    ]:
        ids[code] = (await create(client, code, name, parent_id=ids[parent]))["id"]
    return ids


async def budget(
    client: httpx.AsyncClient, region_id: str, period: str, category: str, amount: str
) -> dict[str, Any]:
    body = {"region_id": region_id, "period": period, "category": category, "amount": amount}
    return await post(client, "/v1/budgets", body)


async def count(client: httpx.AsyncClient, path: str, **params: Any) -> int:
    r = await client.get(path, params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return len(r.json()["items"])


async def competitors(client: httpx.AsyncClient) -> dict[str, str]:
    ids = {}
    for code, name in [("HR", "华润"), ("QD", "青岛"), ("XL", "雪花")]:
        ids[code] = (await post(client, "/v1/competitors", {"code": code, "name": name}))["id"]
    return ids


def survey_body(region_id: str, on: str, **extra: Any) -> dict[str, Any]:
    return {
        "region_id": region_id,
        "surveyed_on": on,
        "population": 1000,
        "households": 300,
        "capacity_amount": "50000.00",
        "capacity_volume": 800,
        "outlets_total": 100,
        "outlets_covered": 40,
        "our_sales": "10000.00",
        "our_share": "20",
    } | extra


def line(competitor_id: str, share: str, outlets: int = 10) -> dict[str, Any]:
    return {
        "competitor_id": competitor_id,
        "share": share,
        "outlets": outlets,
        "price_level": "medium",
    }


def refused(r: httpx.Response, status: int = 422) -> list[str]:
    """The pointers of a problem document, once it is one with this status."""
    assert_problem(r, status)
    return [e["pointer"] for e in r.json().get("errors", [])]
