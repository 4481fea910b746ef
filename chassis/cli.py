"""The per-service command line: `python -m services.<name> migrate | revision | consume |
rebuild | service-key`."""

import argparse
import asyncio
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from alembic import command
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from prometheus_client import CollectorRegistry, start_http_server

from chassis.consumer import SourceError
from chassis.consumers import Consumers, build_consumers
from chassis.db import Database
from chassis.migrations import alembic_config, upgrade
from chassis.observability import configure_logging
from chassis.peers import public_key_line
from chassis.settings import BaseServiceSettings

if TYPE_CHECKING:
    from chassis.app import ServiceSpec

SpecLoader = Callable[[], "ServiceSpec"]


class HasDatabase(Protocol):
    database_url: str


def main(
    settings: HasDatabase,
    migrations: Path,
    argv: list[str] | None = None,
    *,
    spec: SpecLoader | None = None,
) -> int:
    """Run one command; `spec` loads the service's spec (its consumers) only when needed."""
    parser = argparse.ArgumentParser(prog=f"python -m {_package(migrations)}")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("migrate", help="upgrade the database to the newest revision")
    up.add_argument("--revision", default="head")
    rev = sub.add_parser("revision", help="autogenerate a migration from the models")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", default=None)
    follow = sub.add_parser("consume", help="follow the configured feeds until SIGTERM/SIGINT")
    follow.add_argument("--feed", action="append", default=[], help="only this feed (repeatable)")
    follow.add_argument("--metrics-port", type=int, default=None, help="serve /metrics here")
    again = sub.add_parser("rebuild", help="empty the copies and replay the feeds from the start")
    again.add_argument("--feed", action="append", default=[], help="only this feed (repeatable)")
    sub.add_parser("service-key", help="print a new key pair for service_private_key and peers")
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
    if args.command == "service-key":
        print_key_pair()
    if args.command in ("consume", "rebuild"):
        if spec is None or not isinstance(settings, BaseServiceSettings):
            parser.error(f"{args.command} is a command of a service")
        configure_logging(settings.log_level)
        try:
            if args.command == "consume":
                return asyncio.run(consume(spec(), settings, args.feed, args.metrics_port))
            return asyncio.run(replay(spec(), settings, args.feed))
        except ValueError as exc:  # a feed not configured, no key to sign with
            print(f"{args.command}: {exc}", file=sys.stderr)
            return 2
        except SourceError as exc:  # what is applied stays applied; run it again
            print(f"{args.command}: {exc}", file=sys.stderr)
            return 1
    return 0


def _package(migrations: Path) -> str:
    parent = migrations.parent
    return f"services.{parent.name}" if parent.parent.name == "services" else parent.name


def print_key_pair() -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    public = public_key_line(key.public_key())
    print(f"# service_private_key (keep it secret):\n{pem}")
    print(f"# its public key, for the peers setting of each service it reads from:\n{public}")


def _consumers(
    spec: "ServiceSpec",
    settings: BaseServiceSettings,
    db: Database,
    feeds: list[str],
    registry: CollectorRegistry,
) -> Consumers:
    return build_consumers(
        spec.consumers,
        service=spec.name,
        settings=settings,
        db=db,
        cursors=spec.tables.cursors,
        metrics=registry,
        feeds=feeds,
    )


async def consume(
    spec: "ServiceSpec", settings: BaseServiceSettings, feeds: list[str], metrics_port: int | None
) -> int:
    """Follow the feeds until SIGTERM or SIGINT; 2 when no feed is configured."""
    db = Database(settings.database_url, pool_size=4)
    registry = CollectorRegistry()
    try:
        consumers = _consumers(spec, settings, db, feeds, registry)
        if not consumers:
            print("no feed to follow: configure consumers and peer_urls", file=sys.stderr)
            return 2
        if metrics_port is not None:
            start_http_server(metrics_port, registry=registry)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        try:
            await consumers.run(stopping)
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        return 0
    finally:
        await db.dispose()


async def replay(spec: "ServiceSpec", settings: BaseServiceSettings, feeds: list[str]) -> int:
    """Reset and replay the feeds; 2 when no feed is configured."""
    db = Database(settings.database_url, pool_size=4)
    try:
        consumers = _consumers(spec, settings, db, feeds, CollectorRegistry())
        if not consumers:
            print("no feed to rebuild: configure consumers and peer_urls", file=sys.stderr)
            return 2
        try:
            for feed, applied in (await consumers.rebuild()).items():
                print(f"rebuilt {feed}: {applied} events applied", file=sys.stderr)
        finally:
            await consumers.close()
        return 0
    finally:
        await db.dispose()
