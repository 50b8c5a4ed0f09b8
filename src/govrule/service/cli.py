"""``govrule serve``: run the decision service and the playground with uvicorn."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

__all__ = ["cli_serve"]

EXIT_OK, EXIT_USAGE = 0, 2


def cli_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Start the service; returns when it is stopped (Ctrl-C or SIGTERM)."""
    try:
        import uvicorn

        from .app import create_app
        from .config import ENV, Settings
    except ImportError as exc:
        err.write(f"govrule serve needs the serve extra ({exc.name} is missing): pip install 'govrule[serve]'\n")
        return EXIT_USAGE
    if args.rulesets is not None and not os.path.isdir(args.rulesets):
        err.write(f"govrule serve: --rulesets {args.rulesets}: not a directory\n")
        return EXIT_USAGE
    token = os.environ.get(ENV["token"]) or None
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as handle:
                token = handle.read().strip() or None
        except OSError as exc:
            err.write(f"govrule serve: --token-file: {exc}\n")
            return EXIT_USAGE
        if token is None:
            err.write(f"govrule serve: --token-file {args.token_file} is empty\n")
            return EXIT_USAGE
    for name in ("max_body", "max_batch", "workers"):
        if getattr(args, name) < 1:
            err.write(f"govrule serve: --{name.replace('_', '-')} must be 1 or more\n")
            return EXIT_USAGE
    settings = Settings(
        rulesets=os.path.abspath(args.rulesets) if args.rulesets else None,
        token=token,
        decision_log=None if args.decision_log == "off" else args.decision_log,
        max_body=args.max_body,
        max_batch=args.max_batch,
        reload_interval=max(args.reload_interval, 0.0),
    )
    if args.host not in ("127.0.0.1", "localhost", "::1") and not token:
        err.write("govrule serve: warning: listening beyond this machine without a token (--token-file)\n")
    err.write(
        f"govrule serve: playground http://{args.host}:{args.port}/ · API http://{args.host}:{args.port}/openapi.json\n"
    )
    common = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "proxy_headers": True,
        "access_log": args.access_log,
    }
    if args.workers > 1:
        os.environ.update(settings.to_env())
        uvicorn.run("govrule.service.app:app_from_env", factory=True, workers=args.workers, **common)
    else:
        uvicorn.run(create_app(settings), **common)
    return EXIT_OK
