"""The service's settings, from ``govrule serve`` options or from environment variables (for several workers)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

__all__ = ["ENV", "Settings"]

#: Environment variable for each setting, read by `Settings.from_env` (what each worker process gets).
ENV = {
    "rulesets": "GOVRULE_RULESETS",
    "token": "GOVRULE_TOKEN",
    "decision_log": "GOVRULE_DECISION_LOG",
    "max_body": "GOVRULE_MAX_BODY",
    "max_batch": "GOVRULE_MAX_BATCH",
    "reload_interval": "GOVRULE_RELOAD_INTERVAL",
}


@dataclasses.dataclass(frozen=True)
class Settings:
    """How the service runs.

    Attributes:
        rulesets: Directory of ruleset files (``*.yaml``) to serve and watch; None serves the bundled ones.
        token: Bearer token required on every request except ``/health`` and ``/ready``; None: no auth.
        decision_log: Where decision records go: ``"-"`` standard output, a file path (appended), or None (off).
        max_body: Largest request body accepted, in bytes (413 above it).
        max_batch: Most inputs one batch request may carry (413 above it).
        reload_interval: Seconds between checks of the rulesets directory for changed files; 0 turns reload off.
    """

    rulesets: str | None = None
    token: str | None = None
    decision_log: str | None = "-"
    max_body: int = 1 << 20
    max_batch: int = 10_000
    reload_interval: float = 1.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from the ``GOVRULE_*`` environment variables (see `ENV`); unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        default = cls()
        log = env.get(ENV["decision_log"])
        return cls(
            rulesets=env.get(ENV["rulesets"]) or None,
            token=env.get(ENV["token"]) or None,
            decision_log=default.decision_log if log is None else (log or None),
            max_body=int(env.get(ENV["max_body"]) or default.max_body),
            max_batch=int(env.get(ENV["max_batch"]) or default.max_batch),
            reload_interval=float(env.get(ENV["reload_interval"]) or default.reload_interval),
        )

    def to_env(self) -> dict[str, str]:
        """These settings as environment variables, the inverse of `from_env`."""
        return {
            ENV["rulesets"]: self.rulesets or "",
            ENV["token"]: self.token or "",
            ENV["decision_log"]: self.decision_log or "",
            ENV["max_body"]: str(self.max_body),
            ENV["max_batch"]: str(self.max_batch),
            ENV["reload_interval"]: str(self.reload_interval),
        }
