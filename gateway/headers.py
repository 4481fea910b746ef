"""The security headers on every gateway answer, with a Content-Security-Policy that lets the
docs page load Swagger UI and nothing else load anything."""

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import fastapi_offline
from fastapi.openapi.docs import get_swagger_ui_html

from chassis.asgi import ASGIApp, Message, Receive, Scope, Send

DOCS_PATH = "/docs"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"cross-origin-resource-policy", b"same-site"),
]
CSP = b"content-security-policy"
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
_OWN = {name for name, _ in SECURITY_HEADERS} | {CSP}


class _Loads(HTMLParser):
    """What a page loads: script, style and icon origins, and its inline scripts' hashes."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: dict[str, set[str]] = {"script-src": set(), "style-src": set()}
        self.sources["img-src"] = set()
        self._inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.sources["script-src"].add(_origin(a["src"] or ""))
        elif tag == "script":
            self._inline = True
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.sources["style-src"].add(_origin(a.get("href") or ""))
        elif tag == "link" and "icon" in (a.get("rel") or ""):
            self.sources["img-src"].add(_origin(a.get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        self._inline = self._inline and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._inline:
            digest = base64.b64encode(hashlib.sha256(data.encode()).digest()).decode()
            self.sources["script-src"].add(f"'sha256-{digest}'")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"


# Swagger UI's files come with the gateway (from the fastapi-offline package), not from a CDN:
# the docs page works on a network without internet access.
DOCS_ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS = {
    f"{DOCS_PATH}/swagger-ui-bundle.js": ("swagger-ui-bundle.js", "text/javascript"),
    f"{DOCS_PATH}/swagger-ui.css": ("swagger-ui.css", "text/css"),
    f"{DOCS_PATH}/favicon.png": ("favicon.png", "image/png"),
}


def docs_page(title: str) -> tuple[bytes, bytes]:
    """Swagger UI over the merged contract, loading only the gateway's own copy of its files,
    and the policy that admits exactly that (its inline script by hash); styles may be inline,
    images `data:` (Swagger UI's own). No validator badge: it would call out to the internet."""
    page = bytes(
        get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=title,
            swagger_js_url=f"{DOCS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_PATH}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        ).body
    )
    loads = _Loads()
    loads.feed(page.decode())
    src = loads.sources
    src["style-src"].add("'unsafe-inline'")
    src["img-src"].update({"'self'", "data:"})
    directives = ["default-src 'none'"]
    directives += [f"{name} {' '.join(sorted(values))}" for name, values in src.items()]
    directives += ["connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]
    return page, "; ".join(directives).encode()


class SecurityHeaders:
    """Outermost: every answer, whoever made it (a local route, the admin API, a service, CORS
    preflight, metrics), leaves with the gateway's security headers and no others of the kind."""

    def __init__(self, app: ASGIApp, docs_policy: bytes) -> None:
        self.app = app
        self.docs_policy = docs_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.docs_policy if scope["path"].startswith(DOCS_PATH) else API_CSP
        extra = [*SECURITY_HEADERS, (CSP, policy)]

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [h for h in message.get("headers", []) if h[0].lower() not in _OWN]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, secured)
