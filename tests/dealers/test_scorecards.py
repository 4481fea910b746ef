"""Scorecards: templates whose weights sum to 100, evaluations scoring every factor once,
totals normalised to 0–100, a dealer's trend and the ranking by latest total."""

from typing import Any

import httpx
import pytest

from tests.api import listed
from tests.dealers.helpers import assert_problem, create, partner, pointers

TEMPLATES, EVALUATIONS = "/v1/scorecard-templates", "/v1/scorecard-evaluations"
FACTORS = [
    {"code": "loyalty", "name": "忠诚度", "weight": 40},
    {"code": "price_discipline", "name": "低价竞争的自我制约", "weight": 35},
    {"code": "promotion", "name": "市场促销", "weight": 25},
]


def template_body(**extra: Any) -> dict[str, Any]:
    return {
        "code": "SYN-M",
        "name": "厂家评经销商",
        "direction": "manufacturer_rates_dealer",
        "scale_max": 10,
        "factors": FACTORS,
    } | extra


async def make_template(client: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    r = await client.post(TEMPLATES, json=template_body(**extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


def scores(loyalty: int, price: int, promotion: int) -> list[dict[str, Any]]:
    return [
        {"factor": "loyalty", "score": loyalty},
        {"factor": "price_discipline", "score": price},
        {"factor": "promotion", "score": promotion},
    ]


async def evaluate(
    client: httpx.AsyncClient, template: Any, dealer: Any, period: str, s: list[Any], **kw: Any
) -> httpx.Response:
    body = {"template_id": template["id"], "dealer_id": dealer["id"], "period": period, "scores": s}
    return await client.post(EVALUATIONS, json=body, **kw)


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"factors": FACTORS[:2]}, "#/factors"),  # 75
        ({"factors": [*FACTORS, {"code": "x", "name": "x", "weight": 1}]}, "#/factors"),
        ({"factors": [FACTORS[0], FACTORS[0] | {"weight": 60}]}, "#/factors/1/code"),
        ({"factors": []}, "#/factors"),
        ({"direction": "sideways"}, "#/direction"),
        ({"scale_max": 0}, "#/scale_max"),
        ({"factors": [FACTORS[0] | {"weight": 40.5}]}, "#/factors/0/weight"),
        ({"factors": [FACTORS[0] | {"name": " \u3000"}]}, "#/factors/0/name"),
        ({"name": "\t\n"}, "#/name"),
    ],
)
async def test_bad_templates_are_named(
    dealers: httpx.AsyncClient, extra: dict[str, Any], pointer: str
) -> None:
    r = await dealers.post(TEMPLATES, json=template_body(**extra))
    assert_problem(r, 422)
    assert pointer in pointers(r)
    assert await listed(dealers, TEMPLATES) == []


async def test_total_is_weighted_and_normalised(dealers: httpx.AsyncClient) -> None:
    template = await make_template(dealers)
    dealer = await create(dealers, 1)
    r = await evaluate(dealers, template, dealer, "2026-09", scores(10, 7, 4))
    assert r.status_code == 201, r.text
    # 10/10×40 + 7/10×35 + 4/10×25 = 40 + 24.5 + 10
    assert r.json()["total"] == "74.50"
    assert r.json()["evaluator"] == "test-user"
    again = await evaluate(dealers, template, dealer, "2026-09", scores(1, 1, 1))
    assert assert_problem(again, 409)["field"] == "period"


@pytest.mark.parametrize(
    ("given", "pointer"),
    [
        ([{"factor": "loyalty", "score": 5}], "#/scores"),
        ([*scores(1, 1, 1), {"factor": "service", "score": 1}], "#/scores/3/factor"),
        ([*scores(1, 1, 1)[:2], {"factor": "loyalty", "score": 1}], "#/scores/2/factor"),
        (scores(11, 1, 1), "#/scores/0/score"),
        (scores(-1, 1, 1), "#/scores/0/score"),
    ],
)
async def test_bad_evaluations_are_named(
    dealers: httpx.AsyncClient, given: list[Any], pointer: str
) -> None:
    template = await make_template(dealers)
    dealer = await create(dealers, 1)
    r = await evaluate(dealers, template, dealer, "2026-09", given)
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await listed(dealers, EVALUATIONS) == []


async def test_trend_and_ranking(dealers: httpx.AsyncClient) -> None:
    template = await make_template(dealers)
    a, b, c = [await create(dealers, n) for n in (1, 2, 3)]
    for dealer, period, s in [
        (a, "2026-08", scores(10, 10, 10)),
        (a, "2026-10", scores(5, 5, 5)),
        (a, "2026-09", scores(8, 8, 8)),
        (b, "2026-10", scores(9, 9, 9)),
        (c, "2026-07", scores(2, 2, 2)),
    ]:
        assert (await evaluate(dealers, template, dealer, period, s)).status_code == 201
    r = await dealers.get(
        f"{EVALUATIONS}/trend", params={"dealer_id": a["id"], "template_id": template["id"]}
    )
    assert r.status_code == 200, r.text
    assert [(p["period"], p["total"]) for p in r.json()["items"]] == [
        ("2026-08", "100.00"),
        ("2026-09", "80.00"),
        ("2026-10", "50.00"),
    ]
    r = await dealers.get(f"{EVALUATIONS}/ranking", params={"template_id": template["id"]})
    ranked = [(i["rank"], i["dealer_id"], i["total"]) for i in r.json()["items"]]
    assert ranked == [(1, b["id"], "90.00"), (2, a["id"], "50.00"), (3, c["id"], "20.00")]
    filtered = await listed(dealers, EVALUATIONS, dealer_id=a["id"], period="2026-09")
    assert len(filtered) == 1


async def test_factors_are_fixed_once_evaluated(dealers: httpx.AsyncClient) -> None:
    template = await make_template(dealers)
    path = f"{TEMPLATES}/{template['id']}"
    swapped = [FACTORS[0] | {"weight": 50}, FACTORS[1] | {"weight": 50}]
    r = await dealers.patch(path, json={"factors": swapped}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["factors"] == swapped
    dealer = await create(dealers, 1)
    s = scores(1, 1, 1)[:2]
    assert (await evaluate(dealers, template, dealer, "2026-09", s)).status_code == 201
    r = await dealers.patch(path, json={"factors": FACTORS}, headers={"If-Match": '"v2"'})
    assert assert_problem(r, 409)["field"] == "factors"
    r = await dealers.patch(path, json={"name": "新名"}, headers={"If-Match": '"v2"'})
    assert r.status_code == 200


async def test_partners_see_only_their_evaluations_and_rate_only_the_manufacturer(
    dealers: httpx.AsyncClient,
) -> None:
    rates_dealer = await make_template(dealers)
    rates_us = await make_template(
        dealers, code="SYN-D", direction="dealer_rates_manufacturer", scale_max=5
    )
    a, b = await create(dealers, 1), await create(dealers, 2)
    theirs = (await evaluate(dealers, rates_dealer, b, "2026-09", scores(1, 1, 1))).json()
    await evaluate(dealers, rates_dealer, a, "2026-09", scores(2, 2, 2))
    headers = partner(a)
    mine = (await dealers.get(EVALUATIONS, headers=headers)).json()["items"]
    assert [e["dealer_id"] for e in mine] == [a["id"]]
    assert_problem(await dealers.get(f"{EVALUATIONS}/{theirs['id']}", headers=headers), 404)
    params = {"dealer_id": b["id"], "template_id": rates_dealer["id"]}
    assert_problem(await dealers.get(f"{EVALUATIONS}/trend", params=params, headers=headers), 404)
    ranked = await dealers.get(
        f"{EVALUATIONS}/ranking", params={"template_id": rates_dealer["id"]}, headers=headers
    )
    assert [i["dealer_id"] for i in ranked.json()["items"]] == [a["id"]]
    own = await evaluate(dealers, rates_dealer, a, "2026-10", scores(9, 9, 9), headers=headers)
    assert_problem(own, 403)
    ok = await evaluate(dealers, rates_us, a, "2026-10", scores(5, 5, 5), headers=headers)
    assert ok.status_code == 201, ok.text
    other = await evaluate(dealers, rates_us, b, "2026-10", scores(5, 5, 5), headers=headers)
    assert pointers(other) == ["#/dealer_id"]
    if_match = headers | {"If-Match": '"v1"'}
    assert_problem(await dealers.delete(f"{EVALUATIONS}/{theirs['id']}", headers=if_match), 404)
    assert_problem(
        await dealers.post(TEMPLATES, json=template_body(code="P1"), headers=headers), 403
    )
