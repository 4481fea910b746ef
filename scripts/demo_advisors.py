"""Demo advisors: a supervisor and the customer advisors who report to them."""

import httpx

from scripts.demo_support import post

ADVISORS = [
    ("E1001", "王强", "supervisor", None),
    ("E1002", "李娜", "customer_advisor", "E1001"),
    ("E1003", "张伟", "customer_advisor", "E1001"),
]


def load_advisors(client: httpx.Client, regions: dict[str, str]) -> dict[str, str]:
    """Returns advisor ids by employee code."""
    ids: dict[str, str] = {}
    for code, name, role, manager in ADVISORS:
        body = {"employee_code": code, "name": name, "role": role, "region_id": regions["510100"]}
        if manager:
            body["manager_id"] = ids[manager]
        ids[code] = post(client, "/v1/advisors", body, code)["id"]
    return ids
