"""`python -m gateway migrate | revision | create-admin-key | mint-token`."""

import argparse
import asyncio
import sys

from sqlalchemy import select

from chassis.cli import main as migration_main
from chassis.db import Database
from gateway.admin.clients import service
from gateway.admin.clients.schemas import ApiClientCreate, ClientKind
from gateway.devidp import DEV_IDP_PRIVATE_KEY, DEV_IDP_PUBLIC_KEY
from gateway.models import api_clients
from gateway.people import mint_person_token
from gateway.settings import DEFAULT_ROLE_SCOPES, MIGRATIONS, GatewaySettings


async def create_admin_key(settings: GatewaySettings, name: str) -> str:
    """The first admin key, on a database that has no admin client yet."""
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            clients = (await session.execute(select(api_clients.c.scopes))).scalars().all()
            if any("admin" in scopes for scopes in clients):
                raise SystemExit("an admin client exists already; use the admin API to add more")
            data = ApiClientCreate(
                name=name, kind=ClientKind.integration, scopes=["admin"], dealer_ids=[]
            )
            _, key = await service.create_client(session, data)
            await session.commit()
            return key.key
    finally:
        await db.dispose()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("migrate", "revision"):
        return migration_main(GatewaySettings(), MIGRATIONS, argv)
    parser = argparse.ArgumentParser(prog="python -m gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    admin = sub.add_parser("create-admin-key", help="create the first admin API key")
    admin.add_argument("--name", default="bootstrap-admin")
    mint = sub.add_parser("mint-token", help="mint a development person token")
    mint.add_argument("--sub", default="dev.user")
    mint.add_argument("--role", action="append", choices=sorted(DEFAULT_ROLE_SCOPES))
    mint.add_argument("--ttl", type=int, default=8 * 3600)
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    if args.command == "create-admin-key":
        print(asyncio.run(create_admin_key(settings, args.name)))
        return 0
    if (settings.idp_public_key or "").strip() != DEV_IDP_PUBLIC_KEY.strip():
        raise SystemExit("mint-token works only with the development identity provider key")
    roles = args.role or ["manager"]
    print(
        mint_person_token(
            DEV_IDP_PRIVATE_KEY, settings, subject=args.sub, roles=roles, ttl=args.ttl
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
