"""Demo dealers across the demo regions."""

import httpx

from scripts.demo_support import demo_uscc, post

DEALERS = [
    ("D-CD-001", "成都川信商贸有限公司", "510100", "core"),
    ("D-CD-002", "成都蓉城副食批发有限公司", "510100", "ordinary"),
    ("D-MY-001", "绵阳涪城商贸有限公司", "510700", "core"),
]


def load_dealers(
    client: httpx.Client, regions: dict[str, str], advisors: dict[str, str]
) -> dict[str, str]:
    """Returns dealer ids by code."""
    ids: dict[str, str] = {}
    for seq, (code, name, region, tier) in enumerate(DEALERS, start=1):
        body = {
            "code": code,
            "name": name,
            "uscc": demo_uscc(seq),
            "region_id": regions[region],
            "tier": tier,
            "credit_limit": "500000.00",
            "advisor_id": advisors["E1002"],
        }
        ids[code] = post(client, "/v1/dealers", body, code)["id"]
    return ids
