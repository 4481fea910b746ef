"""The per-service command line: `python -m services.<name> migrate`."""

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Protocol

from alembic import command

from chassis.migrations import alembic_config, upgrade


class HasDatabase(Protocol):
    database_url: str


def main(settings: HasDatabase, migrations: Path, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {_package(migrations)}")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("migrate", help="upgrade the database to the newest revision")
    up.add_argument("--revision", default="head")
    rev = sub.add_parser("revision", help="autogenerate a migration from the models")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", default=None)
    args = parser.parse_args(argv)
    if args.command == "migrate":
        upgrade(migrations, settings.database_url, args.revision)
        print(f"migrated {settings.database_url} to {args.revision}", file=sys.stderr)
    if args.command == "revision":
        with tempfile.TemporaryDirectory() as tmp:
            # compare the models against a scratch database at head, not a developer's data
            url = f"sqlite+aiosqlite:///{tmp}/scratch.db"
            upgrade(migrations, url)
            cfg = alembic_config(migrations, url)
            command.revision(cfg, message=args.message, autogenerate=True, rev_id=args.rev_id)
    return 0


def _package(migrations: Path) -> str:
    parent = migrations.parent
    return f"services.{parent.name}" if parent.parent.name == "services" else parent.name
