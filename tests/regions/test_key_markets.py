"""Key-market models: weighted criteria (linear, inverted, bands) summing to 100, evaluations
ranking regions with a breakdown, kept with who and what, flagging key markets."""

from typing import Any

import httpx
import pytest

from tests.regions.helpers import competitors, count, line, post, refused, small_tree, survey_body

GHOST = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"


def criteria() -> list[dict[str, Any]]:
    return [
        {
            "metric": "capacity_amount",
            "weight": 50,
            "scoring": {"kind": "linear", "floor": 0, "ceiling": 100000},
        },
        {
            "metric": "coverage",
            "weight": 30,
            "scoring": {
                "kind": "bands",
                "bands": [
                    {"min": 0, "score": 20},
                    {"min": 40, "score": 60},
                    {"min": 60, "score": 100},
                ],
            },
        },
        {
            "metric": "gap_to_leader",
            "weight": 20,
            "scoring": {"kind": "inverted", "floor": 0, "ceiling": 50},
        },
    ]


async def seeded(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, Any]]:
    ids = await small_tree(client)
    c = await competitors(client)
    await post(
        client,
        "/v1/market-surveys",
        survey_body(
            ids["510104"],
            "2026-01-01",
            capacity_amount="80000.00",
            outlets_covered=60,
            lines=[line(c["HR"], "40")],
        ),
    )
    await post(client, "/v1/market-surveys", survey_body(ids["510105"], "2026-01-01"))
    model = await post(
        client, "/v1/key-market-models", {"code": "KM1", "name": "重点市场", "criteria": criteria()}
    )
    return ids, model


async def test_evaluation_ranks_and_flags(regions: httpx.AsyncClient) -> None:
    ids, model = await seeded(regions)
    url = f"/v1/key-market-models/{model['id']}/evaluations"
    body = {"ancestor": ids["510000"], "level": "county", "top_n": 1, "mark": [ids["510703"]]}
    ev = await post(regions, url, body)
    ranked = [(r["rank"], r["code"], r["score"], r["marked"]) for r in ev["result"]]
    assert ranked == [
        (1, "510104", 82.0, True),
        (2, "510105", 63.0, False),
        (3, "510703", 0.0, True),
    ]
    first = {
        b["metric"]: (b["value"], b["score"], b["weighted"]) for b in ev["result"][0]["breakdown"]
    }
    assert first == {
        "capacity_amount": (80000.0, 80.0, 40.0),
        "coverage": (60.0, 100.0, 30.0),
        "gap_to_leader": (20.0, 60.0, 12.0),
    }
    assert ev["inputs"]["top_n"] == 1 and ev["actor"] and ev["model_version"] == 1
    flagged = (await regions.get("/v1/regions", params={"key_market": True})).json()["items"]
    assert sorted(r["code"] for r in flagged) == ["510104", "510703"]
    kept = (await regions.get(url)).json()["items"]
    assert [k["id"] for k in kept] == [ev["id"]]
    assert (await regions.get(f"{url}/{ev['id']}")).json()["result"] == ev["result"]
    listed = await post(regions, url, {"region_ids": [ids["510105"], ids["510104"]]})
    assert [r["code"] for r in listed["result"]] == ["510104", "510105"]
    refused(
        await regions.delete(f"/v1/key-market-models/{model['id']}", headers={"If-Match": '"v1"'}),
        409,
    )


def changed(path: str, value: Any) -> list[dict[str, Any]]:
    crit = criteria()
    index, *keys = path.split("/")
    target: Any = crit[int(index)]
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return crit


@pytest.mark.parametrize(
    ("crit", "pointer"),
    [
        (changed("0/weight", 40), "#/criteria"),  # weights sum to 90
        (changed("0/scoring/ceiling", 0), "#/criteria/0/scoring/ceiling"),
        (
            changed("1/scoring/bands", [{"min": 10, "score": 5}, {"min": 5, "score": 9}]),
            "#/criteria/1/scoring/bands",
        ),
        (changed("1/metric", "capacity_amount"), "#/criteria/1/metric"),
        (changed("0/weight", "50"), "#/criteria/0/weight"),
        (changed("2/metric", "luck"), "#/criteria/2/metric"),
        (
            changed("1/scoring/bands", [{"min": 0, "score": 101}]),
            "#/criteria/1/scoring/bands/0/score",
        ),
    ],
)
async def test_bad_models_are_refused(
    regions: httpx.AsyncClient, crit: list[dict[str, Any]], pointer: str
) -> None:
    r = await regions.post(
        "/v1/key-market-models", json={"code": "KM", "name": "x", "criteria": crit}
    )
    found = refused(r)
    assert any(p.startswith(pointer) for p in found), found
    assert await count(regions, "/v1/key-market-models") == 0


async def test_bad_evaluations_are_refused(regions: httpx.AsyncClient) -> None:
    ids, model = await seeded(regions)
    url = f"/v1/key-market-models/{model['id']}/evaluations"
    for body, pointer in [
        ({"region_ids": [ids["510104"]], "ancestor": ids["510000"]}, "#/region_ids"),
        ({}, "#/region_ids"),
        ({"region_ids": [ids["510104"], GHOST]}, "#/region_ids/1"),
        ({"region_ids": [ids["510104"]], "mark": [ids["510105"]]}, "#/mark/0"),
        ({"ancestor": GHOST}, "#/ancestor"),
    ]:
        assert refused(await regions.post(url, json=body)) == [pointer], body
    assert await count(regions, url) == 0
    assert await count(regions, "/v1/regions", key_market=True) == 0


async def test_model_update_rechecks_weights(regions: httpx.AsyncClient) -> None:
    _, model = await seeded(regions)
    url = f"/v1/key-market-models/{model['id']}"
    assert refused(
        await regions.patch(
            url, json={"criteria": changed("0/weight", 10)}, headers={"If-Match": '"v1"'}
        )
    ) == ["#/criteria"]
    r = await regions.patch(url, json={"name": "新模型"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["version"] == 2
