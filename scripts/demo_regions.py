"""Demo regions: one province with prefectures and counties, two sales regions."""

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


def load_regions(client: httpx.Client) -> dict[str, str]:
    """Returns region ids by code."""
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
