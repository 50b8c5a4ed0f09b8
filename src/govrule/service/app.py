"""The application factory: routes, auth, error handlers, and the reload loop in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .auth import BearerAuth
from .config import Settings
from .log import DecisionLog
from .metrics import Metrics
from .openapi import openapi_document
from .responses import HTTPProblem, dumps, error_body
from .routes import Service
from .store import RulesetStore

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger("govrule.service")

_STATIC = str(resources.files("govrule.service") / "static")


def create_app(settings: Settings | None = None) -> Starlette:
    """The decision service as an ASGI application (serve it with uvicorn; see docs/service.md).

    The rulesets are loaded when the application starts (its lifespan); with a reload interval
    the directory is re-scanned in the background and a changed file replaces its ruleset only
    when it validates.
    """
    settings = settings or Settings()
    store = RulesetStore(settings.rulesets)
    metrics = Metrics()
    decisions = DecisionLog(settings.decision_log)
    service = Service(settings, store, decisions, metrics)
    openapi = dumps(openapi_document(settings, "ezhou" if settings.rulesets is None else None))

    def settle() -> None:
        # The rulesets are large, long-lived object graphs: keep them out of the cyclic garbage
        # collector's full passes, which would otherwise pause every request now and then.
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    async def reload_loop() -> None:
        while True:
            await asyncio.sleep(settings.reload_interval)
            try:
                if await run_in_threadpool(store.scan):
                    metrics.reloads.inc()
                    settle()
            except Exception:  # a scan must never stop the loop; the problem is logged
                log.exception("govrule serve: scanning %s failed", store.directory)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(store.scan)
        settle()
        log.info("govrule serve: %d rulesets in service from %s", len(store.entries), store.directory)
        task = asyncio.create_task(reload_loop()) if settings.reload_interval > 0 else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            decisions.close()

    async def playground(request: Request) -> Response:
        return FileResponse(f"{_STATIC}/index.html", media_type="text/html; charset=utf-8")

    async def openapi_json(request: Request) -> Response:
        return Response(openapi, media_type="application/json")

    routes: list[Any] = [
        # The hot path early; the GET routes of the same shape first, so a wrong method gets their Allow.
        Route("/v1/rulesets/{ruleset}/tables", service.get_tables, methods=["GET"]),
        Route("/v1/rulesets/{ruleset}/source", service.get_source, methods=["GET"]),
        Route("/v1/rulesets/{ruleset}/{query}", service.dispatch, methods=["POST"]),
        Route("/", playground, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=_STATIC), name="static"),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/health", service.health, methods=["GET"]),
        Route("/ready", service.ready, methods=["GET"]),
        Route("/metrics", service.metrics_endpoint, methods=["GET"]),
        Route("/v1/rulesets", service.list_rulesets, methods=["GET"]),
        Route("/v1/rulesets/{ruleset}", service.get_ruleset, methods=["GET"]),
        Route("/v1/validate", service.validate, methods=["POST"]),
        Route("/v1/check", service.check, methods=["POST"]),
        Route("/v1/test", service.test, methods=["POST"]),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(status, "HTTPError")
        message = exc.detail if isinstance(exc, HTTPException) else "internal error"
        if status == 404:
            message = f"no such endpoint: {request.method} {request.url.path}; see /openapi.json"
        headers = getattr(exc, "headers", None)  # e.g. Allow on a 405
        return Response(
            dumps(error_body(HTTPProblem(status, kind, str(message)))),
            status_code=status,
            media_type="application/json",
            headers=dict(headers) if headers else None,
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("govrule serve: internal error on %s %s", request.method, request.url.path, exc_info=exc)
        problem = HTTPProblem(500, "InternalError", "internal error; the service log has the details")
        return Response(dumps(error_body(problem)), status_code=500, media_type="application/json")

    middleware = [Middleware(BearerAuth, token=settings.token)] if settings.token else []
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.service = service
    return app


def app_from_env() -> Starlette:
    """The application with settings from the ``GOVRULE_*`` environment (uvicorn ``--factory``, several workers)."""
    return create_app(Settings.from_env())
