"""Demo data loaded once by `make run`, through the gateway like any client would."""

from typing import Any

import httpx

from chassis.validators import uscc_check_char

SICHUAN = ("510000", "四川省")
PREFECTURES = [("510100", "成都市"), ("510300", "自贡市"), ("510700", "绵阳市")]
COUNTIES = [
    ("510104", "锦江区", "510100"),
    ("510105", "青羊区", "510100"),
    ("510703", "涪城区", "510700"),
]
SALES = [("SW", "西南大区", None), ("SW-CD", "成都片区", "SW")]
DEALERS = [
    ("D-CD-001", "成都川信商贸有限公司", "510100", "core"),
    ("D-CD-002", "成都蓉城副食批发有限公司", "510100", "ordinary"),
    ("D-MY-001", "绵阳涪城商贸有限公司", "510700", "core"),
]
ADVISORS = [
    ("E1001", "王强", "supervisor", None),
    ("E1002", "李娜", "customer_advisor", "E1001"),
    ("E1003", "张伟", "customer_advisor", "E1001"),
]


def demo_uscc(seq: int) -> str:
    first17 = f"91510100MA6CX{seq:04d}"
    return first17 + uscc_check_char(first17)


def _post(client: httpx.Client, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """Create, or find what an earlier run (or a person) already created under that code."""
    r = client.post(path, json=body, headers={"Idempotency-Key": f"demo-{key}"})
    if r.status_code == 409:
        field = "employee_code" if path == "/v1/advisors" else "code"
        found = client.get(path, params={field: body[field]})
        found.raise_for_status()
        return dict(found.json()["items"][0])
    r.raise_for_status()
    return dict(r.json())


def load_demo(gateway_url: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        ids: dict[str, str] = {}
        province = _post(
            client, "/v1/regions", {"code": SICHUAN[0], "name": SICHUAN[1]}, SICHUAN[0]
        )
        ids[SICHUAN[0]] = province["id"]
        for code, name in PREFECTURES:
            body = {"code": code, "name": name, "parent_id": ids[SICHUAN[0]]}
            ids[code] = _post(client, "/v1/regions", body, code)["id"]
        for code, name, parent in COUNTIES:
            body = {"code": code, "name": name, "parent_id": ids[parent]}
            ids[code] = _post(client, "/v1/regions", body, code)["id"]
        for code, name, area in SALES:
            sales: dict[str, str] = {"code": code, "name": name, "kind": "sales"}
            if area:
                sales["parent_id"] = ids[area]
            ids[code] = _post(client, "/v1/regions", sales, code)["id"]
        advisor_ids: dict[str, str] = {}
        for code, name, role, manager in ADVISORS:
            body = {"employee_code": code, "name": name, "role": role, "region_id": ids["510100"]}
            if manager:
                body["manager_id"] = advisor_ids[manager]
            advisor_ids[code] = _post(client, "/v1/advisors", body, code)["id"]
        for seq, (code, name, region, tier) in enumerate(DEALERS, start=1):
            body = {
                "code": code,
                "name": name,
                "uscc": demo_uscc(seq),
                "region_id": ids[region],
                "tier": tier,
                "credit_limit": "500000.00",
                "advisor_id": advisor_ids["E1002"],
            }
            _post(client, "/v1/dealers", body, code)
