"""Builders the regions tests share: a small tree and posting helpers."""

from typing import Any

import httpx


async def create(client: httpx.AsyncClient, code: str, name: str, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/regions", json={"code": code, "name": name, **extra})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(path, json=body)
    assert r.status_code == 201, r.text
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


async def count(client: httpx.AsyncClient, path: str, **params: Any) -> int:
    r = await client.get(path, params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return len(r.json()["items"])
