"""The review desk over HTTP (Starlette's test client): login, CSRF, roles, expiry, escaping, actions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ownergate.service.app import create_app
from ownergate.store import Store

Desk = tuple[Store, Any]  # the desk fixture: a store and its Tokens
SOON = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()  # within the 366-day cap
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def client(desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(desk[0].url), base_url="http://desk.test") as c:
        yield c


def _login_csrf(client: TestClient) -> str:
    """The login form's CSRF token (its cookie is now in the client)."""
    found = CSRF.search(client.get("/review/login").text)
    assert found
    return found.group(1)


def _login(client: TestClient, token: str) -> str:
    """Log in; returns the CSRF token of the session."""
    client.cookies.clear()
    r = client.post("/review/login", data={"token": token, "next": "/review/", "csrf": _login_csrf(client)})
    assert r.status_code == 200 and r.url.path == "/review/", r.text[:500]
    found = CSRF.search(r.text)
    assert found
    return found.group(1)


def _overrides(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as tx:
        return tx.fetchall("SELECT id, status, proposed_by, reviewed_by FROM overrides ORDER BY id")


def test_pages_need_a_session_and_the_cookie_is_strict(client: TestClient, desk: Desk) -> None:
    r = client.get("/review/customers/range-cn", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/login?next=%2Freview%2Fcustomers%2Frange-cn"
    csrf = _login_csrf(client)
    bad = client.post("/review/login", data={"token": "og_admin_" + "A" * 32, "csrf": csrf})
    assert bad.status_code == 401 and "unknown or revoked" in bad.text
    r = client.post(
        "/review/login",
        data={"token": desk[1].analyst, "next": "//evil.example/", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/review/"
    cookie = r.headers["set-cookie"]
    assert (
        "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/review" in cookie and "Max-Age=28800" in cookie
    )
    page = client.get("/review/")
    assert page.status_code == 200 and "Open review items: 2" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_posts_without_the_right_csrf_token_or_from_another_site_are_refused(client: TestClient, desk: Desk) -> None:
    csrf = _login(client, desk[1].analyst)
    form = {"decision": "allow", "justification": "Checked the register", "expires": SOON}
    for extra in ({}, {"csrf": "wrong"}, {"csrf": csrf[:-1]}):
        r = client.post("/review/customers/range-cn/overrides", data={**form, **extra})
        assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(
        "/review/customers/range-cn/overrides", data={**form, "csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert r.status_code == 403 and "another site" in r.text
    assert _overrides(desk[0]) == []
    r = client.post("/review/customers/range-cn/overrides", data={**form, "csrf": csrf})
    assert r.status_code == 200 and "proposed" in r.text
    assert [(o[1], o[2]) for o in _overrides(desk[0])] == [("proposed", "ana")]


def test_expired_and_logged_out_sessions_go_back_to_login(client: TestClient, desk: Desk) -> None:
    csrf = _login(client, desk[1].viewer)
    with desk[0].transaction() as tx:
        tx.execute("UPDATE review_sessions SET expires_at = ?", ("2000-01-01T00:00:00+00:00",))
    r = client.get("/review/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/review/login")
    r = client.post("/review/logout", data={"csrf": csrf})
    assert r.status_code == 401 and "expired" in r.text
    csrf = _login(client, desk[1].viewer)
    r = client.post("/review/logout", data={"csrf": csrf})
    assert r.status_code == 200 and r.url.path == "/review/login"
    client.cookies.clear()
    assert client.get("/review/", follow_redirects=False).status_code == 303


def test_roles_viewer_reads_analyst_proposes_approver_approves_never_their_own(client: TestClient, desk: Desk) -> None:
    store, tokens = desk
    form = {"decision": "allow", "justification": "Owner confirmed below 50%", "expires": SOON}
    csrf = _login(client, tokens.viewer)
    page = client.get("/review/customers/range-cn")
    assert page.status_code == 200 and "Propose an override" not in page.text and "true match" not in page.text
    r = client.post("/review/customers/range-cn/overrides", data={**form, "csrf": csrf})
    assert r.status_code == 403 and "needs analyst" in r.text
    r = client.post(
        "/review/customers/hikvision-like/judgements",
        data={"csrf": csrf, "list_id": "us-dod-1260h", "entry_id": "x", "match": "false"},
    )
    assert r.status_code == 403
    csrf = _login(client, tokens.analyst)
    client.post("/review/customers/range-cn/overrides", data={**form, "csrf": csrf})
    ((oid, *_),) = _overrides(store)
    r = client.post(f"/review/overrides/{oid}/approve", data={"csrf": csrf, "note": ""})
    assert r.status_code == 403 and "needs approver" in r.text
    csrf = _login(client, tokens.approver)
    client.post("/review/customers/range-cn/overrides", data={**form, "csrf": csrf})
    own = _overrides(store)[-1][0]
    r = client.post(f"/review/overrides/{own}/approve", data={"csrf": csrf, "note": ""})
    assert r.status_code == 403 and "different person" in r.text
    page = client.get("/review/customers/range-cn")
    assert f'action="/review/overrides/{oid}/approve"' in page.text
    assert f'action="/review/overrides/{own}/approve"' not in page.text
    r = client.post(f"/review/overrides/{oid}/approve", data={"csrf": csrf, "note": "ok"})
    assert r.status_code == 200 and f"Override #{oid} approved" in r.text
    assert 'class="badge allow">allow</span>' in r.text.split("Verdict in force:")[1][:80]
    assert [o[1] for o in _overrides(store)] == ["approved", "proposed"]


def test_hostile_names_render_inert_on_every_page(client: TestClient, desk: Desk) -> None:
    _login(client, desk[1].viewer)
    pages = [
        client.get("/review/").text,
        client.get("/review/customers/range-cn").text,
        client.get("/review/customers/range-cn/picture.svg").text,
        client.get("/review/search", params={"q": "<script>alert('x')</script>"}).text,
    ]
    for text in pages:
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(" in text
    page = pages[1]
    assert "<svg" in page and "possible-ownership" in page and "Shenzhen Kestrel Capital" in page
    assert "30–60%" in page  # the declared range on the decisive edge


def test_customer_page_shows_evidence_history_and_trail(client: TestClient, desk: Desk) -> None:
    _login(client, desk[1].analyst)
    page = client.get("/review/customers/hikvision-like").text
    assert "Matched alias" in page and "How the score adds up" in page and "us-dod-1260h" in page
    assert "This is a true match" in page and "Not this customer" in page
    assert "Verdict history" in page and "test setup" in page and "decision.recorded" in page
    sg = client.get("/review/customers/sg-subsidiary").text
    assert "Lumen Intelligent Systems Group Co. Ltd." in sg and "unsupported region: China" in sg
    assert client.get("/review/customers/nobody").status_code == 404
    for query in ("华为技术有限公司", "Хуавей Текнолоджис"):  # any script
        search = client.get("/review/search", params={"q": query})
        assert search.status_code == 200 and "huawei-technologies-co-ltd" in search.text
        assert "How the score adds up" in search.text
    assert client.get("/review/static/review.css").status_code == 200
    assert client.get("/review/static/..%2Fpages.py").status_code == 404


def test_login_needs_its_csrf_token_and_this_site(client: TestClient, desk: Desk) -> None:
    token = desk[1].analyst
    client.cookies.clear()
    # No token, or a token without its cookie (a form another site built): refused before the token is read.
    assert client.post("/review/login", data={"token": token}).status_code == 403
    csrf = _login_csrf(client)
    form = {"token": token, "next": "/review/", "csrf": csrf}
    assert client.post("/review/login", data={**form, "csrf": csrf[:-1] + "x"}).status_code == 403
    client.cookies.clear()
    refused = client.post("/review/login", data=form, follow_redirects=False)
    assert (
        refused.status_code == 403
        and "CSRF" in refused.text
        and "og_review" not in refused.headers.get("set-cookie", "")
    )
    for headers in (
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://desk.test.evil.example"},
        {"Referer": "https://evil.example/login.html"},
    ):
        csrf = _login_csrf(client)
        r = client.post("/review/login", data={**form, "csrf": csrf}, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and "another site" in r.text, headers
        assert "og_review" not in r.headers.get("set-cookie", "")
    # The same site, by Origin or by Referer alone: logged in.
    for headers in ({"Origin": "http://desk.test"}, {"Referer": "http://desk.test/review/login"}):
        client.cookies.clear()
        csrf = _login_csrf(client)
        r = client.post("/review/login", data={**form, "csrf": csrf}, headers=headers, follow_redirects=False)
        assert r.status_code == 303 and "og_review=" in r.headers["set-cookie"], headers
