"""The README's pictures are the snapshot tests' own (see tests/ui/readme_screens.py)."""

from __future__ import annotations

from tests.ui.readme_screens import PICTURES, ROOT, SCREENS, SNAPSHOTS


def test_each_picture_is_its_snapshot():
    stale = [
        name
        for name, snapshot in SCREENS.items()
        if not (PICTURES / name).exists()
        or (PICTURES / name).read_bytes() != (SNAPSHOTS / snapshot).read_bytes()
    ]
    assert stale == [], "run `python -m tests.ui.readme_screens` to copy the snapshots"


def test_the_readme_shows_every_picture_and_no_other():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in SCREENS if f"(docs/screens/{name})" not in readme] == []
    assert sorted(p.name for p in PICTURES.iterdir()) == sorted(SCREENS)
