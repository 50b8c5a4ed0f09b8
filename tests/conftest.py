"""Shared pytest configuration."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

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

# Compiled rulesets (govrule._compiled) go to a directory of this test run, not the user's cache:
# the first load of each file in the run validates it, later processes read its compiled form.
if "GOVRULE_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="govrule-test-cache-")
    os.environ["GOVRULE_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
