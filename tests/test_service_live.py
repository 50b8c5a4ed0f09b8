"""The decision service under a real uvicorn on 127.0.0.1 (an ephemeral port): reload, concurrency, the playground.

Each server is a ``govrule serve`` process that the test stops (SIGTERM, then SIGKILL) within
bounded time. The playground runs in the OS's headless Chromium, driven by Playwright.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import govrule

if os.environ.get("CI") != "true":  # in CI a missing extra is a failure, not a skip
    pytest.importorskip("uvicorn", reason="the service needs the serve extra (scripts/test.sh installs it)")
    pytest.importorskip("httpx", reason="the service tests need httpx (the serve-test extra)")

import httpx

BUNDLED = Path(govrule.__file__).parent / "rulesets"
EZHOU_PROVINCE = {"issuer": "government", "kind": "request", "recipient": "higher_government"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Server:
    """A ``govrule serve`` process on 127.0.0.1 with an ephemeral port."""

    def __init__(self, tmp: Path, rulesets: Path, *extra: str) -> None:
        self.stderr_path = tmp / "serve.stderr"
        self.log_path = tmp / "decisions.jsonl"
        self._stderr = open(self.stderr_path, "wb")  # closed in stop()
        cmd = [sys.executable, "-m", "govrule", "serve", "--host", "127.0.0.1", "--port", "0"]
        cmd += ["--rulesets", str(rulesets), "--decision-log", str(self.log_path), "--log-level", "info", *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._stderr)
        deadline = time.monotonic() + 30
        while True:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
            m = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", text)
            if m:
                self.url = f"http://127.0.0.1:{m.group(1)}"
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"govrule serve did not start:\n{text}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._stderr.close()


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    d = tmp_path / "rulesets"
    d.mkdir()
    for name in ("ezhou", "rizhao"):
        shutil.copy(BUNDLED / f"{name}.yaml", d / f"{name}.yaml")
    return d


@pytest.fixture
def server(tmp_path: Path, rulesets: Path) -> Iterator[Server]:
    s = Server(tmp_path, rulesets, "--reload-interval", "0.2")
    try:
        yield s
    finally:
        s.stop()


def _wait_for(predicate, timeout: float = 15.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _replace(path: Path, text: str) -> None:
    """Write a file the way an editor or deploy does: a new file renamed over the old one."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- reload


def test_reload_good_file_replaces_and_bad_file_never_does(server: Server, rulesets: Path) -> None:
    ezhou = rulesets / "ezhou.yaml"
    original = ezhou.read_text(encoding="utf-8")
    with httpx.Client(base_url=server.url, timeout=10) as c:
        first = c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE).json()
        revision = first["ruleset"]["revision"]
        assert first["rule"]["citation"] == "五十六（一）"

        # A good change: the clause's text gains a marker; the new revision answers once reloaded.
        clause = first["rule"]["text"]
        assert original.count(clause) >= 1
        marked = original.replace(clause, clause + "（已重新载入）")
        _replace(ezhou, marked)

        def reloaded():  # type: ignore[no-untyped-def]
            body = c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE).json()
            return body if body["ruleset"]["revision"] != revision else None

        second = _wait_for(reloaded, what="the good file to be reloaded")
        assert "（已重新载入）" in second["rule"]["text"]
        good_revision = second["ruleset"]["revision"]
        assert c.get("/health").json()["status"] == "ok"

        # A bad change (line 3 broken): the good ruleset stays in service; /health shows file:line:col.
        lines = marked.splitlines(keepends=True)
        bad_lines = [*lines[:2], "meta: [unclosed\n", *lines[3:]]
        _replace(ezhou, "".join(bad_lines))
        health = _wait_for(
            lambda: (h := c.get("/health").json())["status"] == "degraded" and h, what="the bad file to be reported"
        )
        failure = health["failures"][0]
        assert failure["file"] == str(ezhou)
        loc = failure["problems"][0]["location"]
        assert loc["file"] == str(ezhou) and loc["line"] >= 3 and loc["column"] >= 1
        assert re.match(rf"^{re.escape(str(ezhou))}:\d+:\d+: ", failure["summary"][0])
        still = c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE).json()
        assert still["ruleset"]["revision"] == good_revision
        assert still["rule"] == second["rule"]
        assert health["rulesets"]["ezhou"]["revision"] == good_revision

        # A schema-invalid change (parses, does not validate) is refused the same way.
        _replace(ezhou, marked.replace("kind: base", "kind: basis", 1))
        _wait_for(
            lambda: any(
                "basis" in p["message"] or "kind" in (p["location"]["path"] or "")
                for f in c.get("/health").json()["failures"]
                for p in f["problems"]
            ),
            what="the invalid file to be reported",
        )
        assert c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE).json()["ruleset"]["revision"] == good_revision

        # Fixing the file clears the failure.
        _replace(ezhou, original)
        _wait_for(lambda: c.get("/health").json()["status"] == "ok", what="the fixed file to be reloaded")
        assert c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE).json()["ruleset"]["revision"] == revision

        # A new file is served; a removed one is not.
        shutil.copy(BUNDLED / "chongqing.yaml", rulesets / "chongqing.yaml")
        _wait_for(lambda: c.get("/v1/rulesets/chongqing").status_code == 200, what="a new file to be served")
        (rulesets / "rizhao.yaml").unlink()
        _wait_for(lambda: c.get("/v1/rulesets/rizhao").status_code == 404, what="a removed file to leave service")
    server.stop()
    log = server.stderr_path.read_text(encoding="utf-8")
    assert re.search(rf"{re.escape(str(ezhou))}:\d+:\d+: ", log), "the failure is logged with file:line:col"


# ---------------------------------------------------------------------------- concurrency


def test_fifty_concurrent_clients_get_identical_answers(server: Server) -> None:
    questions = [
        ("ezhou", "sign", EZHOU_PROVINCE),
        ("ezhou", "deadline", {"event": "meeting_documents_issuance", "start": "2024-09-27"}),
        ("rizhao", "quorum", {"meeting": "executive", "present": 6, "total": 10}),
        ("ezhou", "agenda", {"meeting": "executive", "item": {"kind": "report", "involves_other_departments": True}}),
        ("rizhao", "sign", {"issuer": "office", "kind": "other", "recipient": "subordinate"}),
        ("ezhou", "sign", {"issuer": "nobody"}),
    ]
    with httpx.Client(base_url=server.url, timeout=30) as c:
        expected = [c.post(f"/v1/rulesets/{r}/{q}", json=b) for r, q, b in questions]
    reference = [(e.status_code, _stable(e.json())) for e in expected]

    def client(n: int) -> list[tuple[int, object]]:
        got = []
        with httpx.Client(base_url=server.url, timeout=30) as c:
            for i in range(len(questions) * 4):
                r, q, b = questions[(i + n) % len(questions)]
                resp = c.post(f"/v1/rulesets/{r}/{q}", json=b)
                got.append(((i + n) % len(questions), resp.status_code, _stable(resp.json())))
        return got

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(client, range(50)))
    assert len(results) == 50
    for got in results:
        for index, status, body in got:
            assert (status, body) == reference[index]
    server.stop()  # the decision log is complete once the service has stopped
    lines = server.log_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(questions) * (1 + 50 * 4)
    assert all(json.loads(x)["type"] == "decision" for x in lines)  # no line torn by concurrent writes


def _stable(body: dict) -> object:
    """The body without what differs per request by design (nothing today: request ids go in a header)."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


# ---------------------------------------------------------------------------- playground in a real browser


def _browser():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("playwright is not installed (the serve-test extra; scripts/test.sh installs it)")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            raise AssertionError(f"{CHROMIUM} is missing: scripts/test.sh installs the Debian package chromium")
        pytest.skip(f"{CHROMIUM} is missing: install the Debian package chromium (scripts/test.sh does)")
    return sync_playwright


BROKEN_RULESET = """id: city
kind: base
meta: {title: 某市人民政府工作规则, jurisdiction: 某市, level: city
roles:
  head: {label: 市长}
"""


def test_playground_answers_and_shows_a_validation_error_with_its_line(server: Server) -> None:
    sync_playwright = _browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(server.url + "/")
            page.wait_for_selector("body[data-ready='true']")
            page.select_option("#ruleset", "ezhou")
            page.wait_for_selector("body[data-ruleset='ezhou']")
            page.select_option("#query", "sign")
            # The form shows labels, not ids: pick the options by their Chinese labels.
            issuer = page.locator("select[name='issuer'] option[value='government']").inner_text()
            kind = page.locator("select[name='kind'] option[value='request']").inner_text()
            recipient = page.locator("select[name='recipient'] option[value='higher_government']").inner_text()
            assert issuer != "government" and kind == "请示" and recipient != "higher_government"
            page.select_option("select[name='issuer']", label=issuer)
            page.select_option("select[name='kind']", label=kind)
            page.select_option("select[name='recipient']", label=recipient)
            page.click("#ask")
            card = page.wait_for_selector("#answer [data-answer='SigningDecision']")
            text = card.inner_text()
            assert "五十六（一）" in text
            assert "市长或常务副市长签发" in text
            assert "签发：市长或常务副市长" in text.replace(" ", "")

            # A wrong agenda item shows what is missing, with the citation.
            page.select_option("#query", "agenda")
            page.select_option("select[name='meeting']", "executive")
            page.select_option("select[name='item.kind']", "report")
            page.select_option("select[name='item.involves_other_departments']", "true")
            page.select_option("select[name='item.consulted']", "false")
            page.click("#ask")
            agenda = page.wait_for_selector("#answer [data-answer='AgendaCheck']").inner_text()
            assert "不能提交会议" in agenda

            # The editor: a broken YAML shows a validation error with its line number.
            page.click("nav button[data-tab='edit']")
            page.fill("#editor", BROKEN_RULESET)
            page.click("#validate")
            result = page.wait_for_selector("#findings [data-result='invalid']").inner_text()
            import govrule.loader as loader

            try:
                loader.parse_text(BROKEN_RULESET, "ruleset.yaml")
            except govrule.RulesetError as exc:
                expected = exc.problems[0]
            else:  # pragma: no cover - the text is broken on purpose
                raise AssertionError("the broken ruleset validated")
            assert f"第{expected.line}行" in result
            assert f"ruleset.yaml:{expected.line}:{expected.column}" in result
            assert expected.line >= 3

            # The ruleset browser shows the tables and coverage.
            page.click("nav button[data-tab='browse']")
            page.wait_for_selector("#browser h3")
            assert "条文覆盖" in page.inner_text("#browser")
            assert all(u.startswith(server.url) for u in requests), "the page loads nothing from elsewhere"
        finally:
            browser.close()
