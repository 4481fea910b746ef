"""The middleware that admits only callers holding a valid gateway identity token."""

from chassis.asgi import ASGIApp, Receive, Scope, Send, send_bytes
from chassis.errors import PROBLEM_MEDIA_TYPE, ProblemError, Unauthorized
from chassis.identity import TokenVerifier, bearer_token
from chassis.jsonutil import dumps

PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/asyncapi.json", "/docs"}
)


class IdentityMiddleware:
    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope.get("headers", ()))
        try:
            if token is None:
                raise Unauthorized(
                    "An identity token is required (call the API through the gateway)."
                )
            principal = self.verifier.verify(token)
        except ProblemError as exc:
            body = exc.body(scope["path"])
            hdrs = [(b"www-authenticate", b'Bearer realm="ars"')]
            await send_bytes(send, exc.status, dumps(body), PROBLEM_MEDIA_TYPE, hdrs)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)
