"""Every write route of the regional market needs `regions:write` and emits an event; reads need
`regions:read`."""

import json
from pathlib import Path

import httpx
import pytest

from chassis.testing import auth_headers
from tests.api import feed
from tests.regions.helpers import competitors, post, small_tree, survey_body

CONTRACT = json.loads((Path(__file__).parents[2] / "services/regions/openapi.json").read_text())
WRITES = sorted(
    (method, path)
    for path, ops in CONTRACT["paths"].items()
    for method in ops
    if method in {"post", "patch", "delete"} and path.startswith("/v1/")
)
READS = sorted(
    path
    for path, ops in CONTRACT["paths"].items()
    if "get" in ops and "{" not in path and path.startswith("/v1/")
)
ZERO = "00000000-0000-7000-8000-000000000000"


@pytest.mark.parametrize(("method", "path"), WRITES)
async def test_writes_need_the_write_scope(
    regions: httpx.AsyncClient, method: str, path: str
) -> None:
    url = path.replace("{region_id}", ZERO).replace("{budget_id}", ZERO)
    url = url.replace("{model_id}", ZERO).replace("{survey_id}", ZERO).replace("{plan_id}", ZERO)
    url = url.replace("{competitor_id}", ZERO).replace("{target_id}", ZERO)
    headers = auth_headers("regions", ["regions:read"]) | {"If-Match": '"v1"'}
    r = await regions.request(method.upper(), url, json={}, headers=headers)
    assert r.status_code == 403, (method, path, r.text)


@pytest.mark.parametrize("path", READS)
async def test_reads_need_the_read_scope(regions: httpx.AsyncClient, path: str) -> None:
    r = await regions.get(path, headers=auth_headers("regions", ["regions:write"]))
    assert r.status_code == 403, path


async def test_writes_emit_events(regions_committed: httpx.AsyncClient) -> None:
    client = regions_committed
    ids = await small_tree(client)
    comp = await competitors(client)
    await post(client, "/v1/market-surveys", survey_body(ids["510104"], "2026-01-01"))
    await post(
        client,
        f"/v1/regions/{ids['510104']}/transitions",
        {"to": "focused", "on": "2026-01-01", "reason": "r"},
        status=200,
    )
    await post(
        client,
        "/v1/targets",
        {"region_id": ids["510104"], "period": "2026-01", "metric": "new_outlets", "value": "3"},
    )
    budget = await post(
        client,
        "/v1/budgets",
        {"region_id": ids["510104"], "period": "2026-01", "category": "logistics", "amount": "9"},
    )
    await post(
        client, f"/v1/budgets/{budget['id']}/spend", {"spent_on": "2026-01-02", "amount": "1"}
    )
    plan = await post(
        client,
        "/v1/market-plans",
        {"region_id": ids["510104"], "period": "2026-01", "objectives": "o", "strategy": "s"},
    )
    await post(client, f"/v1/market-plans/{plan['id']}/transitions", {"to": "approved"}, 200)
    model = await post(
        client,
        "/v1/key-market-models",
        {
            "code": "K",
            "name": "k",
            "criteria": [
                {
                    "metric": "population",
                    "weight": 100,
                    "scoring": {"kind": "linear", "floor": 0, "ceiling": 10},
                }
            ],
        },
    )
    await post(
        client,
        f"/v1/key-market-models/{model['id']}/evaluations",
        {"region_ids": [ids["510104"]], "top_n": 1},
    )
    r = await client.patch(
        f"/v1/competitors/{comp['HR']}", json={"notes": "n"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200
    wanted = {
        "region.created",
        "competitor.created",
        "competitor.updated",
        "market_survey.created",
        "region.stage_changed",
        "target.created",
        "budget.created",
        "budget.spend_recorded",
        "market_plan.created",
        "market_plan.status_changed",
        "key_market_model.created",
        "key_market.evaluated",
        "region.updated",
    }
    events = await feed(client, "/v1/region-events", 20, limit=500)
    assert wanted <= {e["type"] for e in events["items"]}
    by_type = {e["type"]: e["data"] for e in events["items"]}
    stage = by_type["region.stage_changed"]
    assert (stage["from"], stage["to"], stage["on"], stage["reason"]) == (
        "scattered",
        "focused",
        "2026-01-01",
        "r",
    )
    assert stage["rollout_stage"] == "focused" and stage["actor"]
    status = by_type["market_plan.status_changed"]
    assert (status["from"], status["to"], status["status"]) == ("draft", "approved", "approved")
