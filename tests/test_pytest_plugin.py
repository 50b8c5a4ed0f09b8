"""The pytest plugin turns each case of a configured fixture file into a test item."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minimal.yaml"


def test_fixture_cases_become_test_items(pytester: pytest.Pytester) -> None:
    """A passing and a failing case are reported as one pass and one failure, with the difference."""
    pytester.makeini("[pytest]\ngovrule_fixtures =\n    cases/*.yaml\n")
    cases = pytester.mkdir("cases")
    (cases / "city.yaml").write_text(
        f"""ruleset: {EXAMPLE}
cases:
  - name: 报省政府的请示由市长签发
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{signers: [head]}}
  - name: 错误的期望
    query: deadline
    input: {{event: meeting_documents_issuance, start: 2024-09-27}}
    expect: {{due: 2024-10-09}}
""",
        encoding="utf-8",
    )
    result = pytester.runpytest()  # the plugin is registered through the pytest11 entry point
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*due：应为*2024-10-09*实际为*2024-10-10*"])
