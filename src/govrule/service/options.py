"""The options of ``govrule serve`` (kept apart from the web stack, so building the CLI parser stays cheap)."""

from __future__ import annotations

import argparse

__all__ = ["add_arguments"]


def add_arguments(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``serve`` options to its subparser."""
    sp.add_argument(
        "--rulesets",
        metavar="DIR",
        help="serve the *.yaml rulesets of DIR, reloaded when a file changes (default: the bundled rulesets)",
    )
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    sp.add_argument("--port", type=int, default=8181, help="port to listen on (default 8181)")
    sp.add_argument(
        "--token-file",
        metavar="FILE",
        help="require 'Authorization: Bearer <token>' with the token in FILE (or set GOVRULE_TOKEN) on every "
        "request but /health and /ready",
    )
    sp.add_argument(
        "--decision-log",
        default="-",
        metavar="FILE|-|off",
        help="one JSON line per decision: '-' standard output (default), a file (appended), or off",
    )
    sp.add_argument("--max-body", type=int, default=1 << 20, metavar="BYTES", help="largest request body (1 MiB)")
    sp.add_argument("--max-batch", type=int, default=10_000, metavar="N", help="most inputs in one batch (10000)")
    sp.add_argument(
        "--reload-interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="seconds between checks for changed ruleset files; 0 turns reload off (default 1)",
    )
    sp.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    sp.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="no line per HTTP request in the server log"
    )
    sp.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    return sp
