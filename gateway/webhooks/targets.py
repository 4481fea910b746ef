"""The guard against server-side request forgery: in production a webhook goes only to public
addresses (no loopback, private or link-local one: no cloud metadata service, no service behind
the gateway), checked when connecting, so DNS rebinding can't slip a private address in."""

import errno
import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver


def is_public(address: str) -> bool:
    """Whether an address is on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def refused_literal(url: str) -> str | None:
    """Why a URL naming a non-public IP address is refused (a host name is checked by the
    resolver instead), or None."""
    host = urlsplit(url).hostname or ""
    if _is_ip(host) and not is_public(host):
        return f"{host} is not a public address"
    return None


class PublicResolver(ThreadedResolver):
    """Resolves only to public addresses."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await super().resolve(host, port, family)
        public = [r for r in found if is_public(r["host"])]
        if not public:
            raise OSError(errno.EHOSTUNREACH, f"{host} resolves to no public address")
        return public
