"""`make run`: migrate the SQLite databases under var/, load demo data once, start the three
services and the gateway, print how to call them; Ctrl-C stops everything."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.devidp import DEV_IDP_PRIVATE_KEY  # noqa: E402
from gateway.people import mint_person_token  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402
from scripts.demo import load_demo  # noqa: E402
from scripts.stack import DEFAULT_PORTS, SERVICES, Stack, port_in_use  # noqa: E402

VAR = ROOT / "var"
DEMO_MARKER = VAR / ".demo-loaded"


def database_urls() -> dict[str, str]:
    return {
        name: os.environ.get(f"{name.upper()}_DATABASE_URL", f"sqlite+aiosqlite:///{VAR}/{name}.db")
        for name in (*SERVICES, "gateway")
    }


def main() -> int:
    VAR.mkdir(exist_ok=True)
    busy = [f"{name}:{port}" for name, port in DEFAULT_PORTS.items() if port_in_use(port)]
    if busy:
        print(
            f"ports already in use: {', '.join(busy)}; stop what holds them first", file=sys.stderr
        )
        return 1
    stack = Stack(database_urls(), extra_env={"GATEWAY_DEV_AUTH": "true"})
    stack.migrate()
    stack.start_all()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        stack.wait_ready()
        admin_key = None
        if not DEMO_MARKER.exists():
            load_demo(stack.gateway_url)
            admin_key = create_admin_key(stack)
            DEMO_MARKER.write_text("loaded\n")
        print_banner(stack.gateway_url, admin_key)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(0.5)
        print("a process stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop_all()


def create_admin_key(stack: Stack) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "create-admin-key", "--name", "make-run-admin"],
        env=stack.env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def print_banner(url: str, admin_key: str | None) -> None:
    token = mint_person_token(
        DEV_IDP_PRIVATE_KEY,
        GatewaySettings(),
        subject="dev.manager",
        roles=["manager"],
        ttl=8 * 3600,
    )
    admin = (
        f"\n  admin API key (shown once, now): {admin_key}\n"
        f"  curl -s {url}/v1/api-clients -H 'X-API-Key: {admin_key}'\n"
        if admin_key
        else ""
    )
    print(
        f"""
ARS platform is running (development mode: requests without credentials act as a developer
with every scope; GATEWAY_DEV_AUTH=true).

  gateway   {url}
  docs      {url}/docs
  contract  {url}/openapi.json
  services  regions :8001, dealers :8002, advisors :8003 (they accept only gateway-signed tokens)

Try:
  curl -s '{url}/v1/regions?level=province'
  curl -s -X POST {url}/v1/regions -H 'content-type: application/json' \\
       -d '{{"code": "520000", "name": "贵州省"}}'

A person's token from the development identity provider (role manager, valid 8 hours):
  TOKEN={token}
  curl -s {url}/v1/dealers -H "Authorization: Bearer $TOKEN"
  (more: .venv/bin/python -m gateway mint-token --sub someone --role viewer)
{admin}
Ctrl-C stops everything; data stays in var/ for the next start.
""",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
