"""What a rep sees, pinned at fixed terminal sizes (update with --snapshot-update)."""

from __future__ import annotations


def test_queue_at_120x40(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(120, 40))


def test_queue_at_80x24(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(80, 24))


def test_empty_database_offer(app_factory, snap_compare):
    assert snap_compare(app_factory(fill=False), terminal_size=(100, 30))
