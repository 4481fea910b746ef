"""What every demo loader shares: posting idempotently, and valid identifiers."""

from typing import Any

import httpx

from chassis.validators import uscc_check_char


def demo_uscc(seq: int) -> str:
    first17 = f"91510100MA6CX{seq:04d}"
    return first17 + uscc_check_char(first17)


def post(client: httpx.Client, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """Create, or find what an earlier run (or a person) already created under that code."""
    r = client.post(path, json=body, headers={"Idempotency-Key": f"demo-{key}"})
    if r.status_code == 409:
        field = "employee_code" if path == "/v1/advisors" else "code"
        found = client.get(path, params={field: body[field]})
        found.raise_for_status()
        return dict(found.json()["items"][0])
    r.raise_for_status()
    return dict(r.json())
