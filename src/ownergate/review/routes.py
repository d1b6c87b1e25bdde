"""The review desk's routes under ``/review/``: thin handlers over the library, HTML out.

GET pages need a session (else they redirect to the login form); every POST needs a CSRF token (the
session's, or the login form's own double-submit token for the login), and a POST whose ``Origin``
is ``null`` or names another site, or that has no ``Origin`` and a ``Referer`` from another site, is
refused. Errors of ``ownergate.errors`` become an HTML page with their HTTP status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from ownergate.errors import AuthenticationError, InputError, NotFoundError, OwnergateError, PermissionDenied
from ownergate.matching.screen import index_for_store
from ownergate.review import dossier, pages, queue, sessions
from ownergate.review.html import url
from ownergate.review.sessions import COOKIE, LOGIN_COOKIE, Session
from ownergate.service.auth import Role, require
from ownergate.store import Store

log = logging.getLogger("ownergate.review")
_STATIC = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
    " frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class HtmlErrors(APIRoute):
    """Render :class:`OwnergateError` as an HTML page; send a visitor without a session to the login form."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except AuthenticationError as exc:
                if request.method == "GET":
                    target = url("/review/login", next=request.url.path)
                    return RedirectResponse(target, status_code=303)
                response = _login_response(request, exc.message, "/review/", 401)
            except OwnergateError as exc:
                current = getattr(request.state, "review_session", None)
                response = HTMLResponse(pages.error_page(exc.http_status, exc.message, current), exc.http_status)
            response.headers.update(_SECURITY_HEADERS)
            return response

        return route


router = APIRouter(prefix="/review", tags=["review"], route_class=HtmlErrors, include_in_schema=False)


def _now() -> datetime:
    return datetime.now(UTC)


def _store(request: Request) -> Store:
    return request.app.state.service.store()  # type: ignore[no-any-return]


def _lifetime(request: Request) -> timedelta:
    return timedelta(minutes=float(request.app.state.service.settings.review_session_minutes))


def _session(request: Request) -> Session:
    found = sessions.lookup(_store(request), request.cookies.get(COOKIE), _now())
    request.state.review_session = found
    return found


def _from_this_site(request: Request) -> None:
    """:class:`PermissionDenied` for a POST whose ``Origin`` (or, without one, ``Referer``) is another site.

    ``Origin: null`` (a sandboxed frame, a data: URL, some redirects) is another site too. A request
    with neither header (not a browser) is judged by its CSRF token alone.
    """
    host = request.headers.get("host")
    origin = request.headers.get("origin")
    if origin is not None:
        if origin.strip().lower() == "null" or urlsplit(origin).netloc != host:
            raise PermissionDenied("a form posted from another site is refused")
        return
    referer = request.headers.get("referer")
    if referer is not None and urlsplit(referer).netloc != host:
        raise PermissionDenied("a form posted from another site is refused")


async def _form(request: Request) -> dict[str, str]:
    """The posted form (urlencoded), after checking that it comes from this site."""
    _from_this_site(request)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise InputError("forms are posted as application/x-www-form-urlencoded")
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True, max_num_fields=20).items()}


Form = Annotated[dict[str, str], Depends(_form)]


def _checked(request: Request, form: dict[str, str]) -> Session:
    found = _session(request)
    sessions.check_csrf(found, form.get("csrf"))
    return found


def _back(path: str, flash: str) -> RedirectResponse:
    return RedirectResponse(url(path, flash=flash), status_code=303)


# -- login ---------------------------------------------------------------------------------------


def _login_response(request: Request, message: str, next_url: str, status: int = 200) -> HTMLResponse:
    """The login form with its CSRF token, which also goes to the browser as a cookie (double submit)."""
    token = sessions.login_token(request.cookies.get(LOGIN_COOKIE))
    response = HTMLResponse(pages.login_page(token, message, next_url), status_code=status)
    response.set_cookie(
        LOGIN_COOKIE, token, path="/review", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/review/") -> HTMLResponse:
    return _login_response(request, "", next)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    sessions.check_login_csrf(request.cookies.get(LOGIN_COOKIE), form.get("csrf"))
    session_id, found = sessions.login(_store(request), form.get("token", ""), _now(), _lifetime(request))
    target = form.get("next", "")
    if not target.startswith("/review/") or target.startswith("//"):
        target = "/review/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(_lifetime(request).total_seconds()),
        path="/review",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/review")
    log.info("review login", extra={"fields": {"actor": found.actor.name, "role": found.actor.role.value}})
    return response


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    _checked(request, form)
    sessions.logout(_store(request), request.cookies.get(COOKIE), _now())
    response = RedirectResponse("/review/login", status_code=303)
    response.delete_cookie(COOKIE, path="/review")
    return response


# -- pages ---------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def queue_page(request: Request, reason: str = "", list: str = "", country: str = "", flash: str = "") -> HTMLResponse:
    found = _session(request)
    items = queue.open_items(_store(request), _now(), reason or None, list or None, country or None)
    return HTMLResponse(pages.queue_page(found, items, reason, list, country, flash[:200]))


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(request: Request, customer_id: str, flash: str = "") -> HTMLResponse:
    found = _session(request)
    store = _store(request)
    record = dossier.dossier(store, customer_id, _now())
    try:
        svg, dot = dossier.ownership_svg(store, record)
        note = f"{dot.shown} nodes drawn" + (
            f"; {dot.hidden} owners far from the decisive path summarised." if dot.hidden else "."
        )
    except OwnergateError as exc:
        svg, note = "", f"The picture could not be drawn: {exc.message}"
    return HTMLResponse(pages.customer_page(found, record, svg, note, flash[:200]))


@router.get("/customers/{customer_id}/picture.svg")
def picture(request: Request, customer_id: str) -> Response:
    _session(request)
    store = _store(request)
    svg, _ = dossier.ownership_svg(store, dossier.dossier(store, customer_id, _now()))
    header = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return Response(
        header + svg,
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = "") -> HTMLResponse:
    found = _session(request)
    q = q.strip()[:300]
    if not q:
        return HTMLResponse(pages.search_page(found, "", []))
    try:
        hits = index_for_store(_store(request)).search(q, limit=25, threshold=0.5)
    except InputError as exc:
        return HTMLResponse(pages.search_page(found, q, [], exc.message), status_code=400)
    return HTMLResponse(pages.search_page(found, q, hits))


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in _STATIC:
        raise NotFoundError(f"no static file {name!r}")
    text = resources.files("ownergate.review").joinpath("static", name).read_text("utf-8")
    return Response(text, media_type=_STATIC[name], headers={"Cache-Control": "max-age=300"})


# -- actions -------------------------------------------------------------------------------------


@router.post("/customers/{customer_id}/judgements")
def judge(request: Request, customer_id: str, form: Form) -> Response:
    found = _checked(request, form)
    require(found.actor, Role.analyst)
    if form.get("match") not in ("true", "false"):
        raise InputError("say whether the hit is a true match (match=true) or not (match=false)")
    is_match = form["match"] == "true"
    changed = dossier.judge_match(
        _store(request),
        found.actor,
        customer_id,
        form.get("list_id", ""),
        form.get("entry_id", ""),
        is_match,
        form.get("note", ""),
        _now(),
    )
    what = "a true match" if is_match else "not this customer"
    after = "; the verdict changed" if changed else ""
    return _back(url("/review/customers", customer_id), f"Judged {form.get('entry_id')} {what}{after}.")


@router.post("/customers/{customer_id}/overrides")
def propose(request: Request, customer_id: str, form: Form) -> Response:
    found = _checked(request, form)
    made = dossier.propose_override(
        _store(request),
        found.actor,
        customer_id,
        form.get("decision", ""),
        form.get("justification", ""),
        form.get("expires", ""),
        _now(),
    )
    return _back(url("/review/customers", customer_id), f"Override #{made.id} proposed; an approver must approve it.")


def _review(request: Request, override_id: int, form: dict[str, str], approve: bool) -> Response:
    found = _checked(request, form)
    done = dossier.review_override(_store(request), found.actor, override_id, approve, form.get("note", ""), _now())
    return _back(url("/review/customers", done.customer_id), f"Override #{done.id} {done.status}.")


@router.post("/overrides/{override_id}/approve")
def approve(request: Request, override_id: int, form: Form) -> Response:
    return _review(request, override_id, form, True)


@router.post("/overrides/{override_id}/reject")
def reject(request: Request, override_id: int, form: Form) -> Response:
    return _review(request, override_id, form, False)


def mount(app: Any) -> None:
    """Add the review desk to a FastAPI app."""
    app.include_router(router)
