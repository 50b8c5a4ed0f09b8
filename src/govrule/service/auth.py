"""Optional bearer-token auth, as plain ASGI middleware (no per-request task or buffering)."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .responses import HTTPProblem, dumps, error_body

__all__ = ["OPEN_PATHS", "BearerAuth"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Paths answered without a token: liveness and readiness (for load balancers and orchestrators),
#: and the playground's static page and files, which carry no data (the page asks for the token
#: before it calls the API).
OPEN_PATHS = frozenset({"/health", "/ready", "/", "/favicon.ico"})
_OPEN_PREFIX = "/static/"


class BearerAuth:
    """Refuse (401) every request but `OPEN_PATHS` that lacks ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path in OPEN_PATHS or path.startswith(_OPEN_PREFIX):
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                given = value
                break
        if given and hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        problem = HTTPProblem(
            401,
            "Unauthorized",
            "a bearer token is required: Authorization: Bearer <token>"
            if not given
            else "the bearer token is not the one this service was started with",
        )
        body = dumps(error_body(problem))
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Bearer realm="govrule"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
