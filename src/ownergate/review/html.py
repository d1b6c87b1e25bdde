"""Plain server-rendered HTML: one layout, escaping by default, forms that carry the CSRF token.

Every value that reaches a page goes through :func:`e` (``html.escape`` with quotes), so a
customer called ``<script>...`` renders as text. Pages work without JavaScript; ``review.js``
only adds conveniences.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import quote, urlencode

from ownergate.review.sessions import Session


def e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def url(path: str, *segments: str, **query: str | None) -> str:
    """``path`` followed by percent-encoded ``segments`` and a query of the non-empty ``query`` values."""
    full = path + "".join("/" + quote(s, safe="") for s in segments)
    params = {k: v for k, v in query.items() if v}
    return full + ("?" + urlencode(params) if params else "")


def csrf_field(session: Session) -> str:
    return f'<input type="hidden" name="csrf" value="{e(session.csrf)}">'


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], caption: str = "") -> str:
    """A table of already-rendered cells (escape what goes in)."""
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, body: str, session: Session | None = None, flash: str = "") -> str:
    nav = ""
    if session is not None:
        nav = (
            '<nav aria-label="Review desk"><ul>'
            f'<li><a href="/review/">Queue</a></li><li><a href="/review/search">Entity search</a></li>'
            f'</ul><form method="post" action="/review/logout" class="inline">{csrf_field(session)}'
            f'<span class="who">{e(session.actor.name)} ({e(session.actor.role.value)})</span> '
            '<button type="submit">Log out</button></form></nav>'
        )
    note = f'<p class="flash" role="status">{e(flash)}</p>' if flash else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)} · ownergate review</title>"
        '<link rel="stylesheet" href="/review/static/review.css">'
        '<script src="/review/static/review.js" defer></script></head><body>'
        f'<header><p class="brand"><a href="/review/">ownergate review desk</a></p>{nav}</header>'
        f"<main><h1>{e(title)}</h1>{note}{body}</main></body></html>"
    )


def badge(decision: str | None) -> str:
    value = decision or "undecided"
    return f'<span class="badge {e(value)}">{e(value)}</span>'
