"""How values read on the screen and in the CLI's text: untrusted text made terminal-safe,
money, ages, and the untouched-leads threshold.

Plain `str` functions with no Textual or rich, and no import from the rest of the package,
so that everything may use them (the screens, the subcommands, the store's report text)
without a cycle. `widgets/safe_text.py` wraps `clean()` in a rich `Text`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# C0 controls become their Unicode "control pictures" (ESC → ␛); DEL and C1 controls, and the
# bidi embedding / override / isolate characters that could reorder the rest of a line,
# become the replacement character. Right-to-left *marks* (U+200E/F) stay: names need them.
_TABLE = {code: 0x2400 + code for code in range(0x20)}
_TABLE[0x7F] = 0x2421
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_TABLE.update({code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# A lone surrogate (a file name's undecodable byte) could not even be written to a terminal.
_TABLE.update({code: 0xFFFD for code in range(0xD800, 0xE000)})
# Text laid out in lines (a command's output) keeps its tabs and line ends.
_LINES = {code: shown for code, shown in _TABLE.items() if code not in (0x09, 0x0A)}

MAX_CHARS = 2000  # a 1 MB field is cut, not laid out


def clean(value: object) -> str:
    """Untrusted text (a name, a file's header) whose control characters are shown as visible
    symbols instead of reaching the terminal (TARGETS.md R4)."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "…"
    return text.translate(_TABLE)


def terminal_text(text: str) -> str:
    """Text on its way to a terminal, whole, with its control characters shown as `clean()`
    shows them; tabs and line ends stay (a CRLF as a line end, a lone CR as a symbol: it
    would overwrite the line). Everything the command line prints goes through this
    (`workstation/terminal.py`)."""
    if text.isprintable():
        return text
    return text.replace("\r\n", "\n").translate(_LINES)


def money(cents: int) -> str:
    """Dollars to the cent, "$1,234.56": an opportunity's amount and a report's total read
    alike, and a total is never cut to whole dollars."""
    units, rest = divmod(abs(cents), 100)  # integers: exact however large the total
    return f"{'-' if cents < 0 else ''}${units:,}.{rest:02d}"


def age(span: timedelta, *, spaced: bool = False) -> str:
    """How long `span` is, rounded to its largest sensible unit: minutes under an hour, hours
    under two days, then days. Compact for narrow columns ("45m", "36h", "12d"); spaced, with
    the unit symbols the manager screens use elsewhere ("45 min", "36 h", "12 d")."""
    seconds = abs(span.total_seconds())
    if (minutes := round(seconds / 60)) < 60:
        amount, unit = minutes, "min" if spaced else "m"
    elif (hours := round(seconds / 3600)) < 48:
        amount, unit = hours, "h"
    else:
        amount, unit = round(seconds / 86400), "d"
    return f"{amount} {unit}" if spaced else f"{amount}{unit}"


def ago(moment: datetime | None, now: datetime, *, spaced: bool = False) -> str:
    """When `moment` is from `now`: "3h ago", or "in 3h" when it is still to come; "" for
    no moment."""
    if moment is None:
        return ""
    delta = moment - now
    amount = age(delta, spaced=spaced)
    return f"in {amount}" if delta.total_seconds() > 0 else f"{amount} ago"


def threshold(hours: float) -> str:
    """The untouched threshold as the manager set it: exact, not rounded like an age
    ("1.5 h", "24 h", "3 days")."""
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} days"
