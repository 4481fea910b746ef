"""Demo dealers across the demo regions at different lifecycle stages, with their outlet
network, the product catalogue, support activities, scorecards and a few channel conflicts."""

from datetime import date, timedelta
from typing import Any

import httpx

from scripts.demo_support import demo_uscc, post

STAGES = ("identified", "negotiating", "partner", "advised", "synergy")
# code, name, prefecture, tier, lifecycle stage, outlet counties
DEALERS = [
    ("D-CD-001", "成都川信商贸有限公司", "510100", "core", "synergy", ("510104", "510105")),
    ("D-CD-002", "成都蓉城副食批发有限公司", "510100", "ordinary", "partner", ("510104",)),
    ("D-MY-001", "绵阳涪城商贸有限公司", "510700", "core", "advised", ("510703",)),
    ("D-CD-003", "成都锦江食品配送有限公司", "510100", "core", "advised", ("510104",)),
    ("D-CD-004", "成都青羊百货批发部", "510100", "ordinary", "negotiating", ("510105",)),
    ("D-CD-005", "成都天府粮油商行", "510100", "ordinary", "identified", ("510105",)),
    ("D-MY-002", "绵阳科学城商贸有限公司", "510700", "core", "partner", ("510703",)),
    ("D-MY-003", "绵阳富乐副食经营部", "510700", "ordinary", "negotiating", ("510703",)),
    ("D-ZG-001", "自贡盐都商贸有限公司", "510300", "core", "identified", ("510300",)),
    ("D-ZG-002", "自贡釜溪食品批发部", "510300", "ordinary", "identified", ("510300",)),
]
ADVISORS = (
    "E1002",
    "E1003",
    "E1011",
    "E1004",
    "E1005",
    "E1006",
    "E1012",
    "E1013",
    "E1002",
    "E1003",
)
OUTLET_TYPES = ("supermarket", "convenience", "convenience", "specialty", "wholesale", "other")
PRODUCTS = [
    ("酱油", "瓶", 12, "8.50"),
    ("香醋", "瓶", 12, "6.80"),
    ("菜籽油", "桶", 4, "89.00"),
    ("豆瓣酱", "罐", 24, "12.50"),
    ("花椒油", "瓶", 12, "15.00"),
    ("火锅底料", "袋", 40, "18.80"),
]
VARIANTS = ("500ml", "1L", "礼盒", "家庭装", "餐饮装")
ACTIVITIES = [
    ("commercial", "pricing", "区域价格体系梳理"),
    ("commercial", "promotion", "国庆堆头促销"),
    ("commercial", "staff_training", "业务员产品培训"),
    ("commercial", "network_improvement", "新开终端 12 家"),
    ("information", "market_research", "竞品价格调研"),
    ("information", "market_information_sharing", "月度市场简报"),
    ("logistics", "inventory_management_guidance", "进销存台账辅导"),
    ("logistics", "delivery_optimisation", "配送线路优化"),
    ("capital", "settlement_support", "月结对账"),
    ("capital", "receivables_management", "应收账款清理"),
]
TEMPLATES = [
    (
        "SYN-M2D",
        "厂家评经销商（Synergy）",
        "manufacturer_rates_dealer",
        [
            ("loyalty", "忠诚度", 30),
            ("price_discipline", "低价竞争的自我制约", 25),
            ("market_promotion", "市场促销", 25),
            ("network_coverage", "终端覆盖", 20),
        ],
    ),
    (
        "SYN-D2M",
        "经销商评厂家（Synergy）",
        "dealer_rates_manufacturer",
        [
            ("daily_consultation", "日常业务的咨询", 25),
            ("market_development", "市场开发工作", 25),
            ("market_maintenance", "市场维护", 25),
            ("training_and_service", "培训与售后技术服务", 25),
        ],
    ),
]


def gtin13(seq: int) -> str:
    body = f"690123456{seq:03d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _bulk(client: httpx.Client, path: str, items: list[dict[str, Any]]) -> list[str]:
    r = client.post(path, json={"items": items})
    r.raise_for_status()
    result = r.json()
    bad = [i for i in result["items"] if i["status"] == "invalid"]
    if bad:
        raise RuntimeError(f"{path}: invalid demo items {bad[:3]}")
    return [str(i["id"]) for i in result["items"]]


def _once(client: httpx.Client, path: str, body: dict[str, Any], key: str) -> Any:
    """Create once: a replay answers the stored response; a 409 means an earlier run made it."""
    r = client.post(path, json=body, headers={"Idempotency-Key": f"demo-{key}"})
    if r.status_code == 409:
        return None
    r.raise_for_status()
    return r.json()


def _region(regions: dict[str, str], code: str) -> str:
    return regions.get(code) or regions.get(code[:4] + "00") or next(iter(regions.values()))


def _load_dealers(
    client: httpx.Client, regions: dict[str, str], advisors: dict[str, str]
) -> dict[str, str]:
    items = []
    for seq, (code, name, region, tier, _, _) in enumerate(DEALERS, start=1):
        items.append(
            {
                "code": code,
                "name": name,
                "uscc": demo_uscc(seq),
                "region_id": _region(regions, region),
                "tier": tier,
                "credit_limit": "500000.00" if tier == "core" else "150000.00",
                "warehouse_m2": 400 * seq,
                "vehicles": 2 + seq % 5,
                "sales_staff": 5 + seq,
                "annual_turnover": f"{8_000_000 + 1_500_000 * seq}.00",
                "contacts": [
                    {"name": "总经理", "mobile": f"1380028{seq:04d}", "role": "老板"},
                    {"name": "采购主管", "mobile": f"1590028{seq:04d}", "role": "采购"},
                ],
            }
        )
    ids = dict(zip((d[0] for d in DEALERS), _bulk(client, "/v1/dealers/bulk", items), strict=True))
    for code, *_, stage, _ in DEALERS:
        _advance(client, ids[code], stage)
    return ids


def _advance(client: httpx.Client, dealer_id: str, stage: str) -> None:
    current = client.get(f"/v1/dealers/{dealer_id}").json()["lifecycle_stage"]
    for step in STAGES[STAGES.index(current) + 1 : STAGES.index(stage) + 1]:
        r = client.post(
            f"/v1/dealers/{dealer_id}/transitions",
            json={"to": step, "reason": "演示数据"},
        )
        r.raise_for_status()


def _load_outlets(client: httpx.Client, regions: dict[str, str], ids: dict[str, str]) -> None:
    start = date(2025, 1, 6)
    items = []
    for n in range(200):
        code, *_, counties = DEALERS[n % len(DEALERS)]
        county = counties[n % len(counties)]
        joined = start + timedelta(days=3 * n)
        closed = n % 23 == 0
        items.append(
            {
                "code": f"T-{n + 1:04d}",
                "name": f"{['惠民超市', '便利店', '专卖店', '批发部', '小卖部'][n % 5]}{n + 1}号",
                "type": OUTLET_TYPES[n % len(OUTLET_TYPES)],
                "grade": "ABBCC"[n % 5],
                "region_id": _region(regions, county),
                "address": f"{county} 示范街 {n + 1} 号",
                "latitude": round(30.55 + (n % 40) * 0.004, 6),
                "longitude": round(104.02 + (n % 37) * 0.005, 6),
                "dealer_id": ids[code],
                "status": "closed" if closed else ("suspended" if n % 31 == 0 else "active"),
                "joined_on": joined.isoformat(),
                "closed_on": (joined + timedelta(days=120)).isoformat() if closed else None,
            }
        )
    _bulk(client, "/v1/outlets/bulk", items)


def _load_products(client: httpx.Client) -> None:
    items = [
        {
            "code": f"SKU-{n + 1:03d}",
            "gtin": gtin13(n + 1),
            "name": f"{name} {VARIANTS[n // len(PRODUCTS)]}",
            "unit": unit,
            "pack_size": pack,
            "list_price": price,
        }
        for n, (name, unit, pack, price) in ((n, PRODUCTS[n % len(PRODUCTS)]) for n in range(30))
    ]
    _bulk(client, "/v1/products/bulk", items)


def _load_support(client: httpx.Client, ids: dict[str, str], advisors: dict[str, str]) -> None:
    for n in range(40):
        code = DEALERS[n % len(DEALERS)][0]
        flow, kind, text = ACTIVITIES[n % len(ACTIVITIES)]
        body = {
            "dealer_id": ids[code],
            "flow": flow,
            "activity_type": kind,
            "activity_on": (date(2026, 6, 1) + timedelta(days=4 * n)).isoformat(),
            "advisor_id": advisors.get(ADVISORS[n % len(ADVISORS)]),
            "description": text,
            "outcome": "已完成" if n % 3 else "跟进中",
        }
        _once(client, "/v1/support-activities", body, f"support-{n}")


def _load_scorecards(client: httpx.Client, ids: dict[str, str]) -> None:
    for code, name, direction, factors in TEMPLATES:
        body = {
            "code": code,
            "name": name,
            "direction": direction,
            "scale_max": 10,
            "factors": [{"code": c, "name": n, "weight": w} for c, n, w in factors],
        }
        template = post(client, "/v1/scorecard-templates", body, code)
        for d, (dealer_code, *_rest) in enumerate(DEALERS[:6]):
            for p, period in enumerate(("2026-07", "2026-08", "2026-09")):
                scores = [
                    {"factor": c, "score": min(10, 4 + (d + p + i) % 7)}
                    for i, (c, _, _) in enumerate(factors)
                ]
                evaluation = {
                    "template_id": template["id"],
                    "dealer_id": ids[dealer_code],
                    "period": period,
                    "scores": scores,
                }
                _once(client, "/v1/scorecard-evaluations", evaluation, f"eval-{code}-{d}-{p}")


def _load_conflicts(client: httpx.Client, regions: dict[str, str], ids: dict[str, str]) -> None:
    outlet = client.get("/v1/outlets", params={"code": "T-0003"}).json()["items"][0]
    cases = [
        ("cross_region_selling", "510100", "绵阳货源在成都终端出现（批号 A2609）", [
            {"dealer_id": ids["D-CD-001"], "role": "complainant"},
            {"dealer_id": ids["D-MY-002"], "role": "respondent"},
        ], ("investigating", "resolved"), "收回窜货并罚款", "5000.00"),
        ("price_undercutting", "510100", "批发价低于区域指导价 8%", [
            {"dealer_id": ids["D-CD-003"], "role": "complainant"},
            {"outlet_id": outlet["id"], "role": "respondent"},
        ], ("investigating",), None, None),
        ("territory_overlap", "510700", "两家经销商同时覆盖涪城区学校周边终端", [
            {"dealer_id": ids["D-MY-001"], "role": "involved"},
            {"dealer_id": ids["D-MY-003"], "role": "involved"},
        ], (), None, None),
    ]  # fmt: skip
    for n, (kind, region, text, parties, steps, resolution, penalty) in enumerate(cases):
        body = {
            "type": kind,
            "region_id": _region(regions, region),
            "reported_on": f"2026-10-{n + 5:02d}",
            "description": text,
            "evidence": ["照片 3 张", "出货单复印件"],
            "parties": parties,
        }
        created = _once(client, "/v1/conflicts", body, f"conflict-{n}")
        if created is None:
            continue
        # a replayed creation shows the conflict as it was then: read where it stands now
        conflict = client.get(f"/v1/conflicts/{created['id']}").json()
        if conflict["status"] != "open":
            continue
        for version, step in enumerate(steps, start=1):
            change: dict[str, Any] = {"status": step}
            if step == "resolved":
                change |= {"resolution": resolution, "penalty": penalty}
            r = client.patch(
                f"/v1/conflicts/{conflict['id']}",
                json=change,
                headers={"If-Match": f'"v{version}"'},
            )
            r.raise_for_status()


def load_dealers(
    client: httpx.Client, regions: dict[str, str], advisors: dict[str, str]
) -> dict[str, str]:
    """Returns dealer ids by code."""
    ids = _load_dealers(client, regions, advisors)
    _load_outlets(client, regions, ids)
    _load_products(client)
    _load_support(client, ids, advisors)
    _load_scorecards(client, ids)
    _load_conflicts(client, regions, ids)
    return ids
