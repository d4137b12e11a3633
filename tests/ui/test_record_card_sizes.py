"""A new record repaints the card without laying the screen out when the card's size does
not follow its content (the queue screen's), and lays it out when it does."""

from __future__ import annotations

from textual.app import App, ComposeResult

from workstation.store.calling.card import Card
from workstation.widgets.record_card import RecordCard


def _card(record_id: int, fields: int) -> Card:
    pairs = [(f"Field {n}", f"value {record_id}.{n}") for n in range(fields)]
    return Card("lead", record_id, f"Lead {record_id}", 1, False, pairs, None, None, None, None)


class _Sized(App):
    CSS = "RecordCard { height: 8; }"

    def compose(self) -> ComposeResult:
        yield RecordCard()


class _Auto(App):
    CSS = "RecordCard { height: auto; }"

    def compose(self) -> ComposeResult:
        yield RecordCard()


def _text(card: RecordCard) -> str:
    return "\n".join(card.render_line(y).text for y in range(card.region.height))


async def test_a_card_sized_by_the_screen_shows_each_record_in_the_same_box():
    app = _Sized()
    async with app.run_test(size=(60, 20)) as pilot:
        card = app.query_one(RecordCard)
        for record_id, fields in ((1, 2), (2, 30), (3, 4)):
            card.show(_card(record_id, fields))
            await pilot.pause()
            assert card.region.height == 8
            assert card.border_title == f"Lead {record_id}"
            assert f"value {record_id}.0" in card.text  # a scroll away, below the calls


async def test_a_card_sized_by_its_content_grows_and_shrinks_with_the_record():
    app = _Auto()
    async with app.run_test(size=(60, 40)) as pilot:
        card = app.query_one(RecordCard)
        card.show(_card(1, 2))
        await pilot.pause()
        short = card.region.height
        card.show(_card(2, 20))
        await pilot.pause()
        assert card.region.height > short
        assert "value 2.19" in _text(card)
        card.show(_card(3, 2))
        await pilot.pause()
        assert card.region.height == short
