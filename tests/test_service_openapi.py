"""The service against its own OpenAPI 3.1 document, property-based (schemathesis): no 500, responses conform.

Bounded: a few examples per operation, in process (ASGI), well under a minute in all.
"""

from __future__ import annotations

import os

import pytest

if os.environ.get("CI") != "true":  # in CI a missing extra is a failure, not a skip
    pytest.importorskip("schemathesis", reason="the serve-test extra (scripts/test.sh installs it)")

import schemathesis
from hypothesis import HealthCheck, settings

from govrule.service import Settings, create_app

APP = create_app(Settings(decision_log=None, reload_interval=0))
APP.state.service.store.scan()  # the lifespan's first scan: schemathesis calls the app without starting it
# A 422 answers a valid input the text is silent on (NoApplicableRule): a documented answer, not a rejection.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "404", "422"]}}}
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    response = case.call_and_validate()
    assert response.status_code < 500
