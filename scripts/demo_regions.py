"""Demo regions: one province with prefectures and counties, two sales regions, a year of monthly
surveys with three competitors, a key-market model with an evaluation, budgets with spend,
targets with actuals, a roll-out stage step and a market plan."""

from decimal import Decimal
from typing import Any

import httpx

from scripts.demo_support import post

SICHUAN = ("510000", "四川省")
PREFECTURES = [("510100", "成都市"), ("510300", "自贡市"), ("510700", "绵阳市")]
COUNTIES = [
    ("510104", "锦江区", "510100"),
    ("510105", "青羊区", "510100"),
    ("510703", "涪城区", "510700"),
]
SALES = [("SW", "西南大区", None), ("SW-CD", "成都片区", "SW")]
COMPETITORS = [("HR", "华润雪花"), ("TSINGTAO", "青岛啤酒"), ("BUD", "百威")]
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
# Surveys record what was counted: none is dated after the last full month of the demo year.
SURVEYED = MONTHS[:11]
COUNTY_SALES = {"510104": 120_000, "510105": 90_000, "510703": 60_000}


def load_regions(client: httpx.Client) -> dict[str, str]:
    """Returns region ids by code."""
    ids = _tree(client)
    competitors = {
        code: post(client, "/v1/competitors", {"code": code, "name": name}, f"competitor-{code}")[
            "id"
        ]
        for code, name in COMPETITORS
    }
    _surveys(client, ids, competitors)
    _key_markets(client, ids)
    _targets_and_actuals(client, ids)
    _budgets(client, ids)
    _stage_and_plan(client, ids)
    return ids


def _tree(client: httpx.Client) -> dict[str, str]:
    ids: dict[str, str] = {}
    ids[SICHUAN[0]] = post(
        client, "/v1/regions", {"code": SICHUAN[0], "name": SICHUAN[1]}, SICHUAN[0]
    )["id"]
    for code, name in PREFECTURES:
        body = {"code": code, "name": name, "parent_id": ids[SICHUAN[0]]}
        ids[code] = post(client, "/v1/regions", body, code)["id"]
    for code, name, parent in COUNTIES:
        body = {"code": code, "name": name, "parent_id": ids[parent]}
        ids[code] = post(client, "/v1/regions", body, code)["id"]
    for code, name, area in SALES:
        sales: dict[str, str] = {"code": code, "name": name, "kind": "sales"}
        if area:
            sales["parent_id"] = ids[area]
        ids[code] = post(client, "/v1/regions", sales, code)["id"]
    return ids


def _once(client: httpx.Client, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """POST with an Idempotency-Key: a second run replays the first answer."""
    r = client.post(path, json=body, headers={"Idempotency-Key": f"demo-{key}"})
    if r.status_code == 409:  # made by hand or before the keys were kept: leave it be
        return {}
    r.raise_for_status()
    return dict(r.json())


def _surveys(client: httpx.Client, ids: dict[str, str], competitors: dict[str, str]) -> None:
    for i, month in enumerate(SURVEYED):
        ours = 18 + i  # our share climbs month by month: 18 % → 28 %
        lines = [
            {
                "competitor_id": competitors["HR"],
                "share": str(34 - i // 2),
                "outlets": 120,
                "price_level": "medium",
            },
            {
                "competitor_id": competitors["TSINGTAO"],
                "share": "22",
                "outlets": 90,
                "price_level": "high",
            },
            {
                "competitor_id": competitors["BUD"],
                "share": "9",
                "outlets": 40,
                "price_level": "premium",
            },
        ]
        body = {
            "region_id": ids["510104"],
            "surveyed_on": f"{month}-15",
            "population": 690_000,
            "households": 250_000,
            "capacity_amount": str(2_400_000 + 20_000 * i),
            "capacity_volume": 480_000 + 4_000 * i,
            "outlets_total": 400,
            "outlets_covered": 150 + 10 * i,
            "our_sales": str(Decimal(2_400_000 + 20_000 * i) * ours / 100),
            "our_share": str(ours),
            "lines": lines,
        }
        _once(client, "/v1/market-surveys", body, f"survey-510104-{month}")
    for code, covered in [("510105", 120), ("510703", 80)]:
        body = {
            "region_id": ids[code],
            "surveyed_on": "2026-11-15",
            "population": 950_000 if code == "510105" else 700_000,
            "households": 330_000,
            "capacity_amount": "2000000",
            "capacity_volume": 400_000,
            "outlets_total": 350,
            "outlets_covered": covered,
            "our_sales": "300000",
            "our_share": "15",
            "lines": [
                {
                    "competitor_id": competitors["HR"],
                    "share": "40",
                    "outlets": 150,
                    "price_level": "medium",
                }
            ],
        }
        _once(client, "/v1/market-surveys", body, f"survey-{code}-2026-11")


def _key_markets(client: httpx.Client, ids: dict[str, str]) -> None:
    criteria = [
        {
            "metric": "capacity_amount",
            "weight": 40,
            "scoring": {"kind": "linear", "floor": 1_000_000, "ceiling": 3_000_000},
        },
        {
            "metric": "coverage",
            "weight": 30,
            "scoring": {
                "kind": "bands",
                "bands": [
                    {"min": 0, "score": 20},
                    {"min": 30, "score": 60},
                    {"min": 50, "score": 100},
                ],
            },
        },
        {
            "metric": "gap_to_leader",
            "weight": 30,
            "scoring": {"kind": "inverted", "floor": 0, "ceiling": 40},
        },
    ]
    model = post(
        client,
        "/v1/key-market-models",
        {"code": "KM-2026", "name": "2026 重点市场选择", "criteria": criteria},
        "key-market-model-KM-2026",
    )
    body = {"ancestor": ids["510000"], "level": "county", "top_n": 1}
    _once(client, f"/v1/key-market-models/{model['id']}/evaluations", body, "evaluation-KM-2026")


def _targets_and_actuals(client: httpx.Client, ids: dict[str, str]) -> None:
    actuals = []
    for i, month in enumerate(MONTHS):
        for code, base in COUNTY_SALES.items():
            target = base + 2_000 * i
            body = {
                "region_id": ids[code],
                "period": month,
                "metric": "sales_amount",
                "value": str(target),
            }
            _once(client, "/v1/targets", body, f"target-{code}-{month}")
            actual = target * (90 + (i * 7 + len(code)) % 20) // 100  # 90–109 % of target
            actuals.append(
                {
                    "region_id": ids[code],
                    "period": month,
                    "metric": "sales_amount",
                    "value": str(actual),
                }
            )
        chengdu = sum(COUNTY_SALES[c] + 2_000 * i for c in ("510104", "510105"))
        for code, value in [("510100", chengdu), ("510700", COUNTY_SALES["510703"] + 2_000 * i)]:
            body = {
                "region_id": ids[code],
                "period": month,
                "metric": "sales_amount",
                "value": str(value),
            }
            _once(client, "/v1/targets", body, f"target-{code}-{month}")
        province = sum(COUNTY_SALES.values()) + 6_000 * i
        body = {
            "region_id": ids["510000"],
            "period": month,
            "metric": "sales_amount",
            "value": str(province),
        }
        _once(client, "/v1/targets", body, f"target-510000-{month}")
    r = client.post("/v1/targets/actuals", json={"source": "demo", "items": actuals})
    r.raise_for_status()


def _budgets(client: httpx.Client, ids: dict[str, str]) -> None:
    for month in MONTHS[:6]:
        for category, amount in [("advertising", 12_000), ("promotion", 8_000)]:
            body = {
                "region_id": ids["510104"],
                "period": month,
                "category": category,
                "amount": str(amount),
            }
            budget = _once(client, "/v1/budgets", body, f"budget-510104-{month}-{category}")
            if budget:
                spend = {
                    "spent_on": f"{month}-20",
                    "amount": str(amount * 9 // 10),
                    "note": "门店活动",
                }
                _once(client, f"/v1/budgets/{budget['id']}/spend", spend, f"spend-{budget['id']}")


def _stage_and_plan(client: httpx.Client, ids: dict[str, str]) -> None:
    stage = {"to": "focused", "on": "2026-03-01", "reason": "锦江区作为突破口，集中资源"}
    r = client.post(
        f"/v1/regions/{ids['510104']}/transitions",
        json=stage,
        headers={"Idempotency-Key": "demo-stage-510104-focused"},
    )
    if r.status_code != 409:  # already moved on an earlier run
        r.raise_for_status()
    plan = {
        "region_id": ids["510104"],
        "period": "2027-01",
        "objectives": "锦江区市场占有率第一",
        "strategy": "以核心经销商为依托，构建终端网络，客户顾问驻点服务",
    }
    _once(client, "/v1/market-plans", plan, "plan-510104-2027-01")
