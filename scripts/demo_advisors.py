"""Demo advisors: two supervisors and ten customer advisors (`load_advisors`, after the regions),
then, once the dealers and outlets exist, two months of their work (`load_advisor_work`):
accounts, action plans, visits, work logs, sales, a training, coaching, deviations and
assessments (the first advisor's first month locked). Every write carries an idempotency key, so
a second run replays instead of duplicating."""

import time
from datetime import date, timedelta
from typing import Any

import httpx

MANAGERS = [
    ("E1001", "王强", "510100"),
    ("E1010", "陈静", "510700"),
]
ADVISORS = [
    ("E1002", "李娜", "E1001"),
    ("E1003", "张伟", "E1001"),
    ("E1004", "刘洋", "E1001"),
    ("E1005", "杨敏", "E1001"),
    ("E1006", "赵磊", "E1001"),
    ("E1011", "黄丽", "E1010"),
    ("E1012", "周杰", "E1010"),
    ("E1013", "吴芳", "E1010"),
    ("E1014", "徐涛", "E1010"),
    ("E1015", "孙悦", "E1010"),
]
REGION_OF = {"E1001": "510100", "E1010": "510700"}
# the months of September and October 2026, each as its first Monday and its plan's visit days
MONTHS = [("2026-09", date(2026, 9, 1)), ("2026-10", date(2026, 10, 1))]
HOME = (30.657, 104.066)
# an advisor's accounts: one dealer, then outlets; (kind, id, coordinates if known)
Account = tuple[str, str, tuple[float, float] | None]
OUTLETS_EACH = 3
SCHEME = {
    "code": "CA-DEMO",
    "name": "客户顾问月度考核",
    "base_amount": "3000.00",
    "kpis": [
        {"kpi": "visit_plan_adherence", "weight": 25, "rule": "linear", "target": 90},
        {"kpi": "report_completion", "weight": 15, "rule": "linear", "target": 100},
        {
            "kpi": "account_coverage",
            "weight": 10,
            "rule": "bands",
            "bands": [{"min": 50, "score": 60}, {"min": 75, "score": 100}],
        },
        {"kpi": "customer_facing_share", "weight": 10, "rule": "linear", "target": 50},
        {"kpi": "sales_achievement", "weight": 30, "rule": "linear", "target": 100},
        {"kpi": "training_completion", "weight": 10, "rule": "linear", "target": 100},
    ],
}


def send(
    client: httpx.Client,
    path: str,
    body: dict[str, Any] | None,
    key: str,
    *,
    etag: int | None = None,
) -> dict[str, Any]:
    headers = {"Idempotency-Key": f"demo-advisors-{key}"}
    if etag is not None:
        headers["If-Match"] = f'"v{etag}"'
    for wait in (0.2, 0.5, 1.0, 2.0, 0.0):
        r = client.post(path, json=body, headers=headers)
        # 503: a region or account created a moment ago could not be checked yet; ask again
        if r.status_code != 503 or not wait:
            break
        time.sleep(wait)
    r.raise_for_status()
    return dict(r.json())


def bulk(client: httpx.Client, items: list[dict[str, Any]], key: str) -> list[str]:
    result = send(client, "/v1/advisors/bulk", {"items": items}, key)
    bad = [i for i in result["items"] if i["status"] == "invalid"]
    if bad:
        raise RuntimeError(f"demo advisors refused: {bad}")
    return [str(i["id"]) for i in result["items"]]


def listed(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    r = client.get(path, params={"limit": 500})
    r.raise_for_status()
    return list(r.json()["items"])


def accounts(client: httpx.Client) -> dict[str, list[Account]]:
    """Each advisor's accounts, by employee code: a dealer of their own and three active outlets
    of the dealers service, chosen by code (the same on every run)."""
    dealers = sorted(listed(client, "/v1/dealers"), key=lambda d: str(d["code"]))
    outlets = sorted(
        (o for o in listed(client, "/v1/outlets") if o["status"] == "active" and o["latitude"]),
        key=lambda o: str(o["code"]),
    )
    book: dict[str, list[Account]] = {}
    for seq, (code, _, _) in enumerate(ADVISORS):
        dealer = dealers[seq % len(dealers)]
        mine = outlets[seq * OUTLETS_EACH : (seq + 1) * OUTLETS_EACH]
        book[code] = [("dealer", str(dealer["id"]), None)] + [
            ("outlet", str(o["id"]), (float(o["latitude"]), float(o["longitude"]))) for o in mine
        ]
    return book


def load_advisors(client: httpx.Client, regions: dict[str, str]) -> dict[str, str]:
    """The people and their training; returns advisor ids by employee code."""
    bosses = [
        {
            "employee_code": c,
            "name": n,
            "role": "supervisor",
            "region_id": regions[r],
            "level": "expert",
            "hire_date": "2018-03-01",
            "mobile": f"1390000{i:04d}",
        }
        for i, (c, n, r) in enumerate(MANAGERS)
    ]
    ids = dict(zip([c for c, _, _ in MANAGERS], bulk(client, bosses, "managers"), strict=True))
    team = [
        {
            "employee_code": c,
            "name": n,
            "role": "customer_advisor",
            "region_id": regions[REGION_OF[m]],
            "manager_id": ids[m],
            "level": "senior" if i % 3 == 0 else "advisor",
            "hire_date": f"202{i % 5}-0{i % 9 + 1}-01",
            "mobile": f"1380013{i:04d}",
        }
        for i, (c, n, m) in enumerate(ADVISORS)
    ]
    ids |= dict(zip([c for c, _, _ in ADVISORS], bulk(client, team, "team"), strict=True))
    training(client, ids)
    return ids


def load_advisor_work(client: httpx.Client, ids: dict[str, str]) -> None:
    """Accounts (dealers and outlets that exist by now), two months of work, the assessments."""
    book = accounts(client)
    scheme = send(client, "/v1/kpi-schemes", SCHEME, "scheme")
    for seq, (code, _, manager) in enumerate(ADVISORS):
        assign(client, ids[code], code, book[code])
        for month, first in MONTHS:
            work_month(client, ids, code, manager, month, first, seq, book[code])
    for month, _ in MONTHS:
        send(
            client,
            "/v1/assessments/run",
            {"scheme_id": scheme["id"], "period": month},
            f"run-{month}",
        )
    first_month = client.get(
        "/v1/assessments",
        params={"advisor_id": ids["E1002"], "period": MONTHS[0][0], "scheme_id": scheme["id"]},
    ).json()["items"][0]
    if not first_month["locked"]:
        send(
            client,
            f"/v1/assessments/{first_month['id']}/transitions",
            {"to": "locked"},
            "lock",
            etag=first_month["version"],
        )


def assign(client: httpx.Client, advisor_id: str, code: str, book: list[Account]) -> None:
    for n, (kind, account_id, _) in enumerate(book):
        body = {
            "advisor_id": advisor_id,
            "account_kind": kind,
            "account_id": account_id,
            "from_date": "2026-01-01",
        }
        send(client, "/v1/assignments", body, f"assign-{code}-{n}")


def training(client: httpx.Client, ids: dict[str, str]) -> None:
    course = send(
        client,
        "/v1/training-courses",
        {
            "code": "PRODUCT-101",
            "title": "产品知识与终端陈列",
            "required": True,
            "validity_months": 12,
        },
        "course",
    )
    held = send(
        client,
        "/v1/training-sessions",
        {
            "course_id": course["id"],
            "held_on": "2026-09-15",
            "location": "成都培训中心",
            "trainer": "王强",
        },
        "session",
    )
    for i, (code, _, _) in enumerate(ADVISORS):
        enrolment = send(
            client,
            "/v1/training-enrolments",
            {"session_id": held["id"], "advisor_id": ids[code]},
            f"enrol-{code}",
        )
        send(
            client,
            f"/v1/training-enrolments/{enrolment['id']}/transitions",
            {"to": "completed", "score": 55 + i * 4},
            f"result-{code}",
        )


def work_month(
    client: httpx.Client,
    ids: dict[str, str],
    code: str,
    manager: str,
    month: str,
    first: date,
    seq: int,
    book: list[Account],
) -> None:
    days = [first + timedelta(days=d) for d in (2, 6, 9, 13, 16, 20)]
    plan_body = {
        "advisor_id": ids[code],
        "kind": "month",
        "period_start": first.isoformat(),
        "objectives": ["新品进店 3 家", "回款 5 万元", "陈列达标率 90%"],
        "planned_visits": [
            {
                "account_kind": book[n % len(book)][0],
                "account_id": book[n % len(book)][1],
                "planned_date": day.isoformat(),
                "purpose": "新品铺货与陈列检查",
            }
            for n, day in enumerate(days)
        ],
    }
    key = f"{code}-{month}"
    plan = send(client, "/v1/action-plans", plan_body, f"plan-{key}")
    moves = f"/v1/action-plans/{plan['id']}/transitions"
    plan = send(client, moves, {"to": "submitted"}, f"submit-{key}", etag=plan["version"])
    plan = send(
        client,
        moves,
        {"to": "approved", "reviewer_id": ids[manager], "reason": "同意"},
        f"approve-{key}",
        etag=plan["version"],
    )
    visits = client.get("/v1/visits", params={"action_plan_id": plan["id"]}).json()["items"]
    for n, visit in enumerate(sorted(visits, key=lambda v: v["planned_date"])):
        where = {account_id: at for _, account_id, at in book}.get(visit["account_id"])
        do_visit(client, ids[code], visit, where or HOME, n, seq, f"{key}-{n}")
    send(
        client,
        "/v1/advisor-sales",
        {
            "advisor_id": ids[code],
            "period": month,
            "sales_target": "100000.00",
            "sales_actual": f"{70000 + seq * 5000 + (month == '2026-10') * 8000}.00",
            "new_outlets": seq % 4,
            "receivables_due": "50000.00",
            "receivables_collected": f"{40000 + seq * 1000}.00",
        },
        f"sales-{key}",
    )
    coaching = send(
        client,
        "/v1/coaching-sessions",
        {
            "coach_id": ids[manager],
            "advisor_id": ids[code],
            "role": ("missionary", "coach", "planner", "firefighter")[seq % 4],
            "held_on": (first + timedelta(days=10)).isoformat(),
            "topic": "终端拜访八步骤",
            "notes": "陪同拜访两家终端",
        },
        f"coach-{key}",
    )
    send(
        client,
        f"/v1/coaching-sessions/{coaching['id']}/actions",
        {"description": "每周复盘一次拜访报告", "due_on": (first + timedelta(days=20)).isoformat()},
        f"coach-action-{key}",
    )
    if seq % 3 == 0:
        send(
            client,
            "/v1/deviations",
            {
                "advisor_id": ids[code],
                "period": month,
                "metric": "sales_achievement",
                "target": "100000.00",
                "result": f"{70000 + seq * 5000}.00",
                "cause": "竞品促销",
                "corrective_action": "behaviour_correction",
                "action_note": "增加重点终端拜访频次",
            },
            f"deviation-{key}",
        )


def do_visit(
    client: httpx.Client,
    advisor_id: str,
    visit: dict[str, Any],
    where: tuple[float, float],
    n: int,
    seq: int,
    key: str,
) -> None:
    """Most visits are made and reported, checked in near the account (`where`); one is missed;
    one in three advisors checks in far from one outlet."""
    moves = f"/v1/visits/{visit['id']}/transitions"
    if n == 5 and seq % 2:
        send(client, moves, {"to": "missed", "reason": "客户临时外出"}, f"miss-{key}")
        return
    day = visit["planned_date"]
    far = 0.02 if (n == 1 and seq % 3 == 1) else 0.001
    send(
        client,
        moves,
        {
            "to": "checked_in",
            "at": f"{day}T09:00:00+08:00",
            "latitude": round(where[0] + far, 6),
            "longitude": where[1],
        },
        f"checkin-{key}",
    )
    if n < 5 or seq % 4:
        send(
            client,
            moves,
            {
                "to": "reported",
                "at": f"{day}T11:00:00+08:00",
                "findings": "库存充足，陈列需调整",
                "orders_taken": "3200.00",
                "stock_seen": "主推品 12 箱",
                "competitor_notes": "竞品买赠活动",
                "next_steps": "下周复查陈列",
            },
            f"report-{key}",
        )
    for kind, start, end in (
        ("travel", "08:00", "09:00"),
        ("visit", "09:00", "11:00"),
        ("admin", "16:00", "17:00"),
    ):
        send(
            client,
            "/v1/work-logs",
            {
                "advisor_id": advisor_id,
                "activity_type": kind,
                "started_at": f"{day}T{start}:00+08:00",
                "ended_at": f"{day}T{end}:00+08:00",
                "visit_id": visit["id"] if kind == "visit" else None,
            },
            f"log-{key}-{kind}",
        )
