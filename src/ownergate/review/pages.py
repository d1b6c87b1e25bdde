"""The review desk's pages, rendered from library results (every value escaped by ``html.e``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ownergate.review.dossier import Dossier
from ownergate.review.html import badge, csrf_field, e, page, table, url
from ownergate.review.queue import Queue
from ownergate.review.sessions import Session
from ownergate.service.auth import Role

PAGE = 500  # queue rows shown at once


def login_page(csrf: str, message: str = "", next_url: str = "/review/") -> str:
    body = (
        '<form method="post" action="/review/login" class="card">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        f'<input type="hidden" name="next" value="{e(next_url)}">'
        '<p><label for="token">Admin token</label>'
        '<input id="token" name="token" type="password" autocomplete="off" required'
        ' aria-describedby="token-help" size="48"></p>'
        '<p id="token-help" class="help">The token <code>ownergate tokens issue --role analyst --name NAME</code>'
        " printed for you. You stay logged in until you log out or the session expires.</p>"
        '<p><button type="submit">Log in</button></p></form>'
    )
    return page("Log in", body, flash=message)


def error_page(status: int, message: str, session: Session | None) -> str:
    return page(f"Error {status}", f'<p class="error" role="alert">{e(message)}</p>', session)


def _filters(queue: Queue, reason: str, list_id: str, country: str) -> str:
    def options(counts: dict[str, int], chosen: str) -> str:
        opts = ['<option value="">any</option>']
        opts += [
            f'<option value="{e(k)}"{" selected" if k == chosen else ""}>{e(k)} ({v})</option>'
            for k, v in counts.items()
        ]
        return "".join(opts)

    return (
        '<form method="get" action="/review/" class="filters" role="search">'
        '<label for="reason">Reason</label>'
        f'<select id="reason" name="reason">{options(queue.by_reason, reason)}</select>'
        f'<label for="list">List</label><select id="list" name="list">{options(queue.by_list, list_id)}</select>'
        f'<label for="country">Country</label><select id="country" name="country">'
        f"{options(queue.by_country, country)}</select>"
        '<button type="submit">Filter</button> <a href="/review/">Clear</a></form>'
    )


def queue_page(session: Session, queue: Queue, reason: str, list_id: str, country: str, flash: str = "") -> str:
    counts = "".join(
        f'<li><a href="{e(url("/review/", reason=code))}">{e(code)}</a>: <strong>{n}</strong></li>'
        for code, n in queue.by_reason.items()
    )
    rows = [
        (
            f'<a href="{e(url("/review/customers", i.customer_id))}">{e(i.name)}</a>',
            e(i.customer_id),
            e(i.country or "-"),
            ", ".join(f"<code>{e(c)}</code>" for c in i.codes),
            e(", ".join(i.lists) or "-"),
            f'<time datetime="{e(i.since)}">{e(i.since[:16].replace("T", " "))}</time>',
        )
        for i in queue.items[:PAGE]
    ]
    shown = f"{len(queue.items)} of {queue.total}" if len(queue.items) != queue.total else str(queue.total)
    if len(queue.items) > PAGE:
        shown += f" (the oldest {PAGE} shown: filter to see others)"
    body = (
        f'<section aria-labelledby="counts"><h2 id="counts">Open review items: {queue.total}</h2>'
        f'<ul class="counts">{counts or "<li>nothing waiting</li>"}</ul>{_filters(queue, reason, list_id, country)}'
        + table(
            ("Customer", "Id", "Country", "Reasons", "Lists", "In review since"), rows, f"{shown} items, oldest first"
        )
        + "</section>"
        + _proposals(session, queue)
    )
    return page("Review queue", body, session, flash)


def _proposals(session: Session, queue: Queue) -> str:
    rows = [
        (
            f"#{o.id}",
            f'<a href="{e(url("/review/customers", o.customer_id))}">{e(o.customer_id)}</a>',
            badge(o.decision),
            e(o.justification),
            e(o.proposed_by),
            e(o.expires_at[:10]),
        )
        for o in queue.proposals
    ]
    return (
        f'<section aria-labelledby="pending"><h2 id="pending">Override proposals waiting: {len(rows)}</h2>'
        + (
            table(("Override", "Customer", "To", "Justification", "Proposed by", "Expires"), rows)
            if rows
            else "<p>None.</p>"
        )
        + "</section>"
    )


def _explanation(rows: Sequence[dict[str, Any]]) -> str:
    return table(
        ("Feature", "Contribution", "Detail"),
        [(e(r.get("feature")), e(f"{float(r.get('contribution', 0)):+.3f}"), e(r.get("detail"))) for r in rows],
        "How the score adds up",
    )


def _judge_form(session: Session, customer_id: str, ev: dict[str, Any]) -> str:
    if not session.actor.can(Role.analyst) or not ev.get("list") or not ev.get("entry_id"):
        return ""
    action = e(url("/review/customers", customer_id, "judgements"))
    return (
        f'<form method="post" action="{action}" class="judge">{csrf_field(session)}'
        f'<input type="hidden" name="list_id" value="{e(ev["list"])}">'
        f'<input type="hidden" name="entry_id" value="{e(ev["entry_id"])}">'
        f'<label for="note-{e(ev["entry_id"])}">Note</label>'
        f'<input id="note-{e(ev["entry_id"])}" name="note" size="40" maxlength="4000">'
        '<button type="submit" name="match" value="true">This is a true match</button> '
        '<button type="submit" name="match" value="false">Not this customer</button></form>'
    )


def _reason(session: Session, customer_id: str, reason: dict[str, Any]) -> str:
    ev = reason.get("evidence") or {}
    parts = [f"<h3><code>{e(reason.get('code'))}</code></h3><p>{e(reason.get('message'))}</p>"]
    if ev.get("list"):
        facts = [
            ("List", ev.get("list")),
            ("Entry", f"{ev.get('name')} ({ev.get('entry_id')})"),
            ("Matched alias", ev.get("matched_name")),
            ("Score", ev.get("score")),
        ]
        if ev.get("judged"):
            facts.append(("Judged", ev["judged"]))
        parts.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>")
        if ev.get("explanation"):
            parts.append(_explanation(ev["explanation"]))
        parts.append(_judge_form(session, customer_id, ev))
    if ev.get("path"):
        parts.append(f'<pre class="path" aria-label="Ownership path">{e(ev["path"])}</pre>')
    elif ev and not ev.get("list"):
        parts.append(f"<pre>{e(json.dumps(ev, indent=1, ensure_ascii=False))}</pre>")
    return '<article class="reason">' + "".join(parts) + "</article>"


def _override_form(session: Session, customer_id: str) -> str:
    if not session.actor.can(Role.analyst):
        return ""
    today = datetime.now(UTC).date()
    default, latest = (today + timedelta(days=90)).isoformat(), (today + timedelta(days=365)).isoformat()
    action = e(url("/review/customers", customer_id, "overrides"))
    return (
        f'<form method="post" action="{action}" class="card" aria-labelledby="propose">'
        f'<h3 id="propose">Propose an override</h3>{csrf_field(session)}'
        "<fieldset><legend>Decision</legend>"
        '<label><input type="radio" name="decision" value="allow" required> allow</label> '
        '<label><input type="radio" name="decision" value="deny"> deny</label></fieldset>'
        '<p><label for="justification">Justification (at least 10 characters)</label>'
        '<textarea id="justification" name="justification" rows="3" cols="60" required minlength="10"'
        ' maxlength="4000"></textarea></p>'
        f'<p><label for="expires">Expires on</label><input id="expires" name="expires" type="date" required'
        f' value="{e(default)}" max="{e(latest)}"></p><p><button type="submit">Propose override</button></p></form>'
    )


def _override_rows(session: Session, found: Dossier) -> str:
    rows = []
    for o in found.overrides:
        actions = ""
        if o.status == "proposed" and session.actor.can(Role.approver) and o.proposed_by != session.actor.name:
            base = url("/review/overrides", str(o.id))
            actions = (
                f'<form method="post" action="{e(base)}/approve" class="inline">{csrf_field(session)}'
                f'<label for="note-a{o.id}">Note</label><input id="note-a{o.id}" name="note" size="20">'
                '<button type="submit">Approve</button></form> '
                f'<form method="post" action="{e(base)}/reject" class="inline">{csrf_field(session)}'
                f'<input type="hidden" name="note" value=""><button type="submit">Reject</button></form>'
            )
        rows.append(
            (
                f"#{o.id}",
                badge(o.decision),
                e(o.status),
                e(o.justification),
                e(o.proposed_by),
                e(o.reviewed_by or "-"),
                e(o.expires_at[:10]),
                actions,
            )
        )
    if not rows:
        return "<p>No overrides.</p>"
    return table(("Override", "To", "Status", "Justification", "Proposed by", "Reviewed by", "Expires", ""), rows)


def customer_page(session: Session, found: Dossier, svg: str, picture_note: str, flash: str = "") -> str:
    c, v = found.customer, found.verdict
    facts = [
        ("Id", c.id),
        ("Incorporated", c.country or "-"),
        ("Headquarters", c.hq_country or "-"),
        ("LEI", c.lei or "-"),
        ("Website", c.website or "-"),
        ("Ownership entity", c.entity_id or "-"),
    ]
    decided = f" (policy {e(v.policy)}@{e(v.policy_version)}, decided {e(v.decided_at[:19])})" if v else ""
    reasons = "".join(_reason(session, c.id, r) for r in (v.reasons if v else [])) or "<p>No reasons.</p>"
    history = table(
        ("Decided", "Decision", "Reasons", "Policy", "Cause", "Current"),
        [
            (
                e(h["decided_at"]),
                badge(str(h["decision"])),
                e(", ".join(str(r["code"]) for r in h["reasons"])),  # type: ignore[attr-defined]
                e(f"{h['policy']}@{h['policy_version']}"),
                e(h["cause"]),
                "yes" if h["current"] else "",
            )
            for h in found.history
        ],
    )
    judged = table(
        ("When", "List", "Entry", "Judgement", "By", "Note", "In force"),
        [
            (
                e(j.judged_at),
                e(j.list_id),
                e(j.entry_id),
                "true match" if j.is_match else "not this customer",
                e(j.actor),
                e(j.note),
                "yes" if j.is_current else "",
            )
            for j in found.judgements
        ],
    )
    trail = table(
        ("#", "When", "Who", "Action", "Details"),
        [
            (str(r.seq), e(r.at), e(r.actor), f"<code>{e(r.action)}</code>", f"<code>{e(r.details)}</code>")
            for r in found.trail
        ],
    )
    body = (
        f'<p class="verdict">Verdict in force: {badge(v.decision if v else None)}{decided}</p>'
        + '<dl class="facts">'
        + "".join(f"<dt>{e(k)}</dt><dd>{e(x)}</dd>" for k, x in facts)
        + "</dl>"
        + f'<section aria-labelledby="why"><h2 id="why">Reasons and evidence</h2>{reasons}</section>'
        + '<section aria-labelledby="pic"><h2 id="pic">Ownership picture</h2>'
        + f'<p class="help">{e(picture_note)} <a href="{e(url("/review/customers", c.id, "picture.svg"))}">'
        + "Open the picture alone</a>.</p>"
        + f'<figure class="picture" id="picture">{svg}<figcaption>Owners above what they own; red: the path that'
        " decides the verdict; hover for sources.</figcaption></figure></section>"
        + f'<section aria-labelledby="ovr"><h2 id="ovr">Overrides</h2>{_override_rows(session, found)}'
        + f"{_override_form(session, c.id)}</section>"
        + f'<section aria-labelledby="jdg"><h2 id="jdg">Match judgements</h2>{judged}</section>'
        + f'<section aria-labelledby="hist"><h2 id="hist">Verdict history</h2>{history}</section>'
        + f'<section aria-labelledby="trail"><h2 id="trail">Audit trail</h2>{trail}</section>'
    )
    return page(c.name, body, session, flash)


def search_page(session: Session, query: str, hits: Sequence[Any], error: str = "") -> str:
    form = (
        '<form method="get" action="/review/search" role="search" class="card">'
        '<p><label for="q">Name (any script)</label>'
        f'<input id="q" name="q" value="{e(query)}" size="50" maxlength="300" required></p>'
        '<p><button type="submit">Search the lists</button></p></form>'
    )
    rows = [
        (
            e(h.list_id),
            e(h.entry_id),
            e(h.name),
            e(h.matched_name),
            e(f"{h.score:.3f}"),
            "<details><summary>why</summary>"
            + _explanation([{"feature": f, "contribution": c, "detail": d} for f, c, d in h.explanation])
            + "</details>",
        )
        for h in hits
    ]
    result = ""
    if error:
        result = f'<p class="error" role="alert">{e(error)}</p>'
    elif query:
        result = (
            table(("List", "Entry", "Name", "Matched alias", "Score", "Explanation"), rows, f"{len(rows)} hits")
            if rows
            else "<p>No hits.</p>"
        )
    return page("Entity search", form + result, session)
