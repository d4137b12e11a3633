"""The README's pictures: copies of snapshot tests' SVGs (tests/ui/__snapshots__), so they
show what the tests pin. `tests/ui/test_readme_screens.py` fails when a copy differs from
its snapshot; after `--snapshot-update`, refresh the copies with

    python -m tests.ui.readme_screens
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "ui" / "__snapshots__"
PICTURES = ROOT / "docs" / "screens"

# docs/screens/NAME.svg ← the snapshot it copies
SCREENS = {
    "queue.svg": "test_screens/test_screen[queue-textual-dark-120x40].svg",
    "script.svg": "test_screens/test_screen[script-textual-dark-120x40].svg",
    "wizard.svg": "test_screens/test_screen[wizard-textual-dark-120x40].svg",
    "search.svg": "test_search_snapshots/test_the_search_screen[120x40].svg",
    "record-page.svg": "test_search_snapshots/test_a_record_page[contact-120x40].svg",
    "untouched.svg": "test_screens/test_screen[untouched-textual-dark-120x40].svg",
    "funnel.svg": "test_screens/test_screen[funnel-textual-dark-120x40].svg",
    "keys.svg": "test_screens/test_screen[keys-textual-dark-120x40].svg",
    "queue-light-80x24.svg": "test_screens/test_screen[queue-textual-light-80x24].svg",
}


def copy_all() -> list[str]:
    """Copy every snapshot over its picture; the names of those that changed."""
    PICTURES.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, snapshot in SCREENS.items():
        source, target = SNAPSHOTS / snapshot, PICTURES / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
            changed.append(name)
    return changed


if __name__ == "__main__":
    print("\n".join(f"updated docs/screens/{name}" for name in copy_all()) or "up to date")
