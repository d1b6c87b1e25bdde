"""End to end in a real browser: Debian's Chromium (headless) drives a real ``ownergate serve``.

An analyst logs in, opens a review item, looks at its ownership picture and proposes an
override; an approver logs in and approves it; the customer's verdict changes and the audit
trail shows both steps. Screenshots of the queue, a customer page and an ownership picture are
saved to docs/img/ (the README and docs/review.md show them).

Needs /usr/bin/chromium and Graphviz (``make test`` installs both); skipped without them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from ownergate.decisions.service import decide_all, record_verdicts
from ownergate.lists.loader import load_paths
from ownergate.ownership.repository import load_ownership
from ownergate.store import open_store

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # Chromium; rewrites docs/img/
CHROMIUM = "/usr/bin/chromium"
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
if not Path(CHROMIUM).exists() or shutil.which("dot") is None:
    pytest.skip("needs Debian's chromium and graphviz (make test installs them)", allow_module_level=True)

# A customer in the ownership data whose owners hold ranges: possible ownership by a Chinese group.
ENTITIES = """id,name,hq_country,incorporation_country,lists,kind
E-nova,Nova Sensorik GmbH,DE,DE,,company
E-nova-hold,Nova Holding B.V.,NL,NL,,company
E-ridge,Ridgeway Capital LP,US,US,,company
E-pearl,Pearl River Technology Investment Ltd.,CN,HK,,company
E-gz,Guangzhou Pearl Industrial Group Co. Ltd.,CN,CN,,company
E-fam,Nova Familienstiftung,DE,DE,,company
E-alpine,Alpine Growth Partners AG,CH,CH,,company
E-weber,Klara Weber,DE,DE,,person
E-lp1,Harbor Pension Fund,US,US,,company
E-lp2,Maple Endowment Trust,CA,CA,,company
E-lp3,Jonas Lindqvist,SE,SE,,person
"""
EDGES = """owner_id,owned_id,share_min,share_max,source
E-nova-hold,E-nova,0.7,0.7,handelsregister HRB 99881 (2025-06)
E-ridge,E-nova,0.3,0.3,handelsregister HRB 99881 (2025-06)
E-pearl,E-nova-hold,0.4,0.6,KvK filing 2025-03
E-fam,E-nova-hold,0.25,0.25,KvK filing 2025-03
E-alpine,E-nova-hold,0.15,0.15,KvK filing 2025-03
E-gz,E-pearl,1.0,1.0,HK companies registry annual return 2024
E-weber,E-fam,,,Stiftung register (control)
E-lp1,E-ridge,0.5,0.5,SEC Form D
E-lp2,E-ridge,0.3,0.3,SEC Form D
E-lp3,E-ridge,0.2,0.2,SEC Form D
"""
NOVA = "id,name,country,hq_country,lei,registration_number,website,entity_id\nnova,Nova Sensorik GmbH,DE,DE,,HRB 99881,https://nova-sensorik.de,E-nova\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(desk_file: tuple[Path, Any], testdata: Path, tmp_path: Path) -> Iterator[tuple[str, Any, str]]:
    db = tmp_path / "desk.sqlite3"
    shutil.copy(desk_file[0], db)
    url = f"sqlite:///{db}"
    store = open_store(url)
    load_paths(store, [testdata / "ofac/sdn_2024-05-03.csv"])
    (tmp_path / "e.csv").write_text(ENTITIES)
    (tmp_path / "x.csv").write_text(EDGES)
    (tmp_path / "n.csv").write_text(NOVA)
    load_ownership(store, [tmp_path / "e.csv", tmp_path / "x.csv"])
    from ownergate.decisions import customers as book

    book.import_files(store, tmp_path / "n.csv", None, datetime.now(UTC))
    record_verdicts(store, list(decide_all(store)), "lists and book loaded")
    store.close()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ownergate", "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server exited")
            time.sleep(0.1)
        yield base, desk_file[1], url
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()


def _login(page: Any, base: str, token: str) -> None:
    page.goto(base + "/review/")
    assert "/review/login" in page.url
    page.get_by_label("Admin token").fill(token)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/review/")


def test_analyst_proposes_approver_approves_in_a_real_browser(server: tuple[str, Any, str]) -> None:
    base, tokens, url = server
    IMG.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            _login(page, base, tokens.analyst)
            assert page.get_by_role("heading", name="Review queue").is_visible()
            assert page.locator("table >> text=Nova Sensorik GmbH").count() == 1
            page.screenshot(path=str(IMG / "review-queue.png"), full_page=True)

            page.get_by_role("link", name="Nova Sensorik GmbH").click()
            page.wait_for_url(base + "/review/customers/nova")
            assert "possible-ownership" in page.content()
            picture = page.locator("figure.picture svg")
            assert picture.is_visible()
            assert picture.locator("text=Guangzhou Pearl Industrial Group Co. Ltd.").count() == 1
            assert page.locator("figure.picture title", has_text="KvK filing 2025-03").count() >= 1
            page.screenshot(path=str(IMG / "review-customer.png"))
            picture.scroll_into_view_if_needed()
            page.locator("figure.picture").screenshot(path=str(IMG / "review-ownership.png"))

            page.get_by_label("allow").check()
            page.get_by_label("Justification (at least 10 characters)").fill(
                "Pearl River's stake is 40%: share register seen, call with the CFO on file"
            )
            page.get_by_role("button", name="Propose override").click()
            page.wait_for_url("**/review/customers/nova?flash=*")
            assert "proposed; an approver must approve it" in page.content()
            page.get_by_role("button", name="Log out").click()

            _login(page, base, tokens.approver)
            assert page.get_by_role("heading", name="Override proposals waiting: 1").is_visible()
            page.get_by_role("link", name="nova", exact=True).click()
            page.get_by_role("button", name="Approve").click()
            page.wait_for_url("**/review/customers/nova?flash=*")
            verdict = page.locator("p.verdict .badge")
            assert verdict.inner_text() == "allow"
            trail = page.locator("section[aria-labelledby=trail] table").inner_text()
            assert "override.proposed" in trail and "override.approved" in trail
            assert "ana" in trail and "bob" in trail
        finally:
            browser.close()
    assert "Nova Sensorik" not in httpx.get(base + "/review/", follow_redirects=True).text  # logged out: login page
    store = open_store(url)
    try:
        with store.read() as tx:
            rows = tx.fetchall("SELECT actor, action FROM audit_log WHERE subject = 'customer:nova' ORDER BY seq")
    finally:
        store.close()
    assert ("ana", "override.proposed") in rows and ("bob", "override.approved") in rows
    for name in ("review-queue.png", "review-customer.png", "review-ownership.png"):
        assert (IMG / name).stat().st_size > 10_000
