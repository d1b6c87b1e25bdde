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
