"""Shared pytest configuration."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Hypothesis profiles: "ci" (the default) keeps the suite quick and reproducible;
# GOVRULE_HYPOTHESIS_PROFILE=dev runs many more examples when hunting for bugs.
settings.register_profile(
    "ci",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("GOVRULE_HYPOTHESIS_PROFILE", "ci"))
