"""An HR sync by employee code never wipes what it leaves out."""

import httpx

from tests.advisors.helpers import create


async def test_an_advisor_sync_keeps_level_and_mobile(advisors: httpx.AsyncClient) -> None:
    advisor = await create(advisors, 1, level="senior", mobile="13800138000")
    r = await advisors.post(
        "/v1/advisors/bulk",
        json={"items": [{"employee_code": "E0001", "name": "新名", "role": "customer_advisor"}]},
    )
    assert r.status_code == 200 and r.json()["invalid"] == 0, r.text
    got = (await advisors.get(f"/v1/advisors/{advisor['id']}")).json()
    assert (got["name"], got["level"], got["mobile"]) == ("新名", "senior", "13800138000")
