"""Documentation stays true: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented() -> None:
    source = (ROOT / "src/ownergate/settings.py").read_text()
    names = set(re.findall(r'"(OWNERGATE_[A-Z_]+)"', source))
    assert names, "no setting found in settings.py"
    documented = (ROOT / "docs/settings.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in documented)
    assert not missing, f"settings missing from docs/settings.md: {missing}"


def test_only_settings_reads_the_environment() -> None:
    offenders = []
    for path in (ROOT / "src/ownergate").rglob("*.py"):
        if path.name == "settings.py":
            continue
        text = path.read_text()
        if re.search(r"os\.environ|os\.getenv", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"read the environment outside settings.py: {offenders}"


def test_every_package_folder_is_in_architecture() -> None:
    text = (ROOT / "docs/architecture.md").read_text()
    folders = [p.name for p in (ROOT / "src/ownergate").iterdir() if p.is_dir() and not p.name.startswith("__")]
    missing = sorted(f for f in folders if f"`{f}/`" not in text)
    assert not missing, f"folders missing from docs/architecture.md: {missing}"


# -- names in the docs, checked against the code both ways -----------------------------------------------

DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _table_column(text: str, heading: str, first_header: str) -> list[str]:
    """The backticked names in the first column of the table under ``heading`` whose header starts so."""
    section = text.split(heading, 1)[1]
    lines = section.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    names = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        found = re.match(r"\|\s*`([^`]+)`", line)
        if found:
            names.append(found.group(1))
    return names


def test_settings_table_names_only_real_settings() -> None:
    source = (ROOT / "src/ownergate/settings.py").read_text()
    documented = _table_column((ROOT / "docs/settings.md").read_text(), "# Settings", "variable")
    unknown = sorted(n for n in documented if f'"{n}"' not in source)
    assert documented and not unknown, f"docs/settings.md names settings the code does not read: {unknown}"


def test_reason_codes_both_ways() -> None:
    from ownergate.decisions.verdict import ReasonCode

    documented = _table_column((ROOT / "docs/decisions.md").read_text(), "## Reason codes", "code")
    assert sorted(documented) == sorted(c.value for c in ReasonCode)
    # Any reason code in an example ("code": "...") is one the code gives.
    source = "".join(p.read_text() for p in (ROOT / "src/ownergate").rglob("*.py"))
    for doc in DOC_FILES:
        for code in re.findall(r'"code":\s*"([a-z][a-z0-9-]+)"', doc.read_text()):
            assert f'"{code}"' in source, f"{doc.name} shows code {code!r}, which the code never gives"


def test_event_types_both_ways() -> None:
    source = "".join(p.read_text() for p in (ROOT / "src/ownergate").rglob("*.py"))
    enqueued = set(re.findall(r'enqueue\(\s*tx,\s*"([a-z_.]+)"', source))
    assert "decision.changed" in enqueued
    text = (ROOT / "docs/webhooks.md").read_text()
    documented = set(_table_column(text, "## Event types", "type"))
    assert enqueued - documented == set(), f"event types missing from docs/webhooks.md: {enqueued - documented}"
    assert documented - enqueued == set(), f"documented events never sent: {documented - enqueued}"
    for doc in DOC_FILES:
        named = re.findall(r'Event-Type: ([a-z_.]+)|"type":\s*"([a-z_.]+)"|enqueue\(tx, "([a-z_.]+)"', doc.read_text())
        for name in {n for group in named for n in group if n}:
            assert name in documented, f"{doc.name} names event type {name!r}, not in the table of docs/webhooks.md"


def test_customer_and_owner_csv_columns_both_ways() -> None:
    from ownergate.cli.decide import CSV_COLUMNS
    from ownergate.decisions.customers import CUSTOMER_COLUMNS, OPTIONAL_COLUMNS, OWNER_COLUMNS

    text = (ROOT / "docs/decisions.md").read_text()
    customers = _table_column(text, "Customer columns", "column")
    owners = _table_column(text, "Declared owners (`--owners`", "column")
    assert sorted(customers) == sorted((*CUSTOMER_COLUMNS, *OPTIONAL_COLUMNS))
    assert sorted(owners) == sorted(OWNER_COLUMNS)
    assert f"`{','.join(CSV_COLUMNS)}`" in text, "decide --out's columns are documented in docs/decisions.md"
