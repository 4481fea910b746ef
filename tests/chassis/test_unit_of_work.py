"""The request's session commits once at the end, or rolls back everything on error; every error
is a problem document and a 500 tells nothing of the internals."""

import httpx

from tests.harness import feed

PROBLEM = "application/problem+json"


async def values_after_marker(client: httpx.AsyncClient) -> list[int]:
    """Every event's value, read once a marker written last has shown up in the feed."""
    assert (await client.post("/v1/probes", json={"value": -1})).status_code == 201
    items = (await feed(client, "/v1/probe-events", 1))["items"]
    while items[-1]["data"]["value"] != -1:
        items = (await feed(client, "/v1/probe-events", len(items) + 1))["items"]
    return [e["data"]["value"] for e in items[:-1]]


async def test_success_commits(probe: httpx.AsyncClient) -> None:
    r = await probe.post("/v1/probes", json={"value": 1})
    assert r.status_code == 201
    assert await values_after_marker(probe) == [1]


async def test_crash_rolls_back_and_hides_internals(probe: httpx.AsyncClient) -> None:
    r = await probe.post("/v1/probes", json={"value": 2, "then": "crash"})
    assert r.status_code == 500
    assert r.headers["content-type"] == PROBLEM
    assert "secret" not in r.text
    assert r.json()["status"] == 500
    assert await values_after_marker(probe) == []


async def test_problem_error_rolls_back(probe: httpx.AsyncClient) -> None:
    r = await probe.post("/v1/probes", json={"value": 3, "then": "conflict"})
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
    assert await values_after_marker(probe) == []


async def test_unknown_route_and_method_are_problems(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/v1/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    r = await probe.put("/v1/probes")
    assert r.status_code == 405 and r.headers["content-type"] == PROBLEM


async def test_validation_error_points_at_nested_fields(probe: httpx.AsyncClient) -> None:
    r = await probe.post("/v1/probes", json={"value": "x"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "#/value"
    r = await probe.get("/v1/probe-events", params={"limit": 9999})
    assert r.json()["errors"][0] == {
        "pointer": "#/limit",
        "detail": r.json()["errors"][0]["detail"],
        "location": "query",
    }


async def test_no_token_no_entry(probe: httpx.AsyncClient) -> None:
    r = await probe.post("/v1/probes", json={}, headers={"Authorization": ""})
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = await probe.get("/v1/probe-events", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401
    assert (await probe.get("/healthz", headers={"Authorization": ""})).status_code == 200
