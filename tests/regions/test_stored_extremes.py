"""Reports and lists never fail on what is stored, whatever wrote it: days at the ends of the
calendar (PostgreSQL keeps year 1 and 9999-12-31 as ±infinity) and month strings that are no
month, written around the API."""

from typing import Any

import httpx
from sqlalchemy import text

from tests.regions.helpers import (
    budget,
    competitors,
    line,
    post,
    small_tree,
    survey_body,
)

GAP = {
    "metric": "gap_to_leader",
    "weight": 50,
    "scoring": {"kind": "linear", "floor": 0, "ceiling": 9},
}
GROWTH = GAP | {"metric": "sales_growth"}


async def seeded(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, str]]:
    ids = await small_tree(client)
    c = await competitors(client)
    for code in ("510104", "510105"):
        for on in ("2026-01-05", "2026-02-05"):
            body = survey_body(ids[code], on, lines=[line(c["HR"], "30")])
            await post(client, "/v1/market-surveys", body)
    b = await budget(client, ids["510104"], "2026-01", "other", "10")
    await post(client, f"/v1/budgets/{b['id']}/spend", {"spent_on": "2026-01-02", "amount": "1"})
    for metric in ("sales_amount", "outlet_coverage"):
        target = {"region_id": ids["510104"], "period": "2026-01", "metric": metric, "value": "9"}
        await post(client, "/v1/targets", target)
        await post(client, "/v1/targets", target | {"region_id": ids["510100"]})
        items = [target | {"value": "4"}, target | {"period": "2026-02", "value": "5"}]
        r = await client.post("/v1/targets/actuals", json={"items": items})
        assert r.status_code == 200, r.text
    await post(
        client,
        f"/v1/regions/{ids['510104']}/transitions",
        {"to": "focused", "on": "2026-01-01", "reason": "r"},
        status=200,
    )
    model = await post(
        client, "/v1/key-market-models", {"code": "KM", "name": "m", "criteria": [GAP, GROWTH]}
    )
    return ids, {"budget": b["id"], "model": model["id"]}


async def store_extremes(apps: Any, backend: str) -> None:
    """Every stored day and instant at an end of the calendar, and months that are no months."""
    lo, hi = ("-infinity", "infinity") if backend == "postgres" else ("0001-01-01", "9999-12-31")
    statements = [
        f"UPDATE market_surveys SET surveyed_on = '{hi}' WHERE surveyed_on = '2026-02-05'",
        f"UPDATE market_surveys SET surveyed_on = '{lo}' WHERE surveyed_on = '2026-01-05'",
        f"UPDATE spend_entries SET spent_on = '{hi}'",
        f"UPDATE rollout_stage_changes SET changed_on = '{hi}'",
        "UPDATE target_actuals SET period = '2026-0x' WHERE period = '2026-02'",
        "UPDATE targets SET period = '2026' WHERE metric = 'outlet_coverage'",
        "UPDATE budgets SET period = '2026-1'",
    ]
    for table in ("regions", "market_surveys", "budgets", "targets", "competitors"):
        statements.append(f"UPDATE {table} SET created_at = '{lo}', updated_at = '{hi}'")
    async with (await apps("regions", backend)).state.db.session() as session:
        for statement in statements:
            await session.execute(text(statement))
        await session.commit()


async def test_reports_read_any_stored_value(
    regions: httpx.AsyncClient, apps: Any, backend: str
) -> None:
    ids, made = await seeded(regions)
    await store_extremes(apps, backend)
    top, city, county = ids["510000"], ids["510100"], ids["510104"]
    reads = [
        "/v1/market-surveys",
        f"/v1/market-surveys?region_id={county}&surveyed_from=2026-01-01",
        f"/v1/regions/{top}/trend?metric=our_share",
        f"/v1/regions/{city}/trend?metric=coverage&from=2026-01&to=2026-12",
        f"/v1/regions/{county}/competitive-landscape",
        f"/v1/regions/{city}/competitive-landscape",
        f"/v1/regions/{county}/coverage",
        f"/v1/regions/{county}/transitions",
        "/v1/regions",
        f"/v1/regions/{county}",
        "/v1/competitors",
        f"/v1/budgets/{made['budget']}",
        f"/v1/budgets/{made['budget']}/spend",
        "/v1/budgets",
        f"/v1/budgets/cost-to-sales?region_id={top}&period=2026",
        "/v1/targets",
        "/v1/targets/actuals",
        "/v1/targets/cascade-check?period=2026",
    ]
    for metric in ("sales_amount", "outlet_coverage"):
        for by in ("month", "quarter"):
            reads.append(
                f"/v1/targets/achievement?region_id={top}&metric={metric}&period=2026&by={by}"
            )
    for url in reads:
        r = await regions.get(url)
        assert r.status_code == 200, (url, r.text)
    r = await regions.get(f"/v1/budgets/{made['budget']}/spend")
    assert r.json()["items"][0]["spent_on"] == "9999-12-31"
    # the quarters count the months of the period; a stored period that is no month counts nowhere
    r = await regions.get(
        "/v1/targets/achievement",
        params={"region_id": top, "metric": "sales_amount", "period": "2026", "by": "quarter"},
    )
    q1 = r.json()["series"][0]
    assert (q1["period"], q1["target"], q1["actual"]) == ("2026-Q1", None, "4.00")
    evaluation = await regions.post(
        f"/v1/key-market-models/{made['model']}/evaluations", json={"ancestor": top}
    )
    assert evaluation.status_code == 201, evaluation.text
    # a move dated before the stored last one (9999-12-31) is refused, not a failure
    r = await regions.post(
        f"/v1/regions/{county}/transitions", json={"to": "replicating", "reason": "r"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/on"
