"""``govrule serve``: an HTTP/JSON decision service and a playground page for ruleset authors.

An ASGI application (Starlette, served by uvicorn) that answers every query of a
`govrule.Ruleset` over HTTP, with the JSON shapes of ``govrule.wire`` (the CLI's
``--json``), a decision log, rulesets reloaded from a directory when a file changes,
Prometheus metrics, optional bearer-token auth and request limits. See docs/service.md.

Nothing here is imported by ``import govrule``: the web stack is the optional extra
``govrule[serve]``. Build the application with :func:`create_app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .config import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .config import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
