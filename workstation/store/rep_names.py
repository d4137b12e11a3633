"""How rep names are told apart, with nothing but the standard library (the first frame's
`glance` and every SQLite connection use it, before the models are loaded)."""

from __future__ import annotations

import unicodedata


def rep_name_key(name: str) -> str:
    """A rep's name as lookups match it and the unique index keys it: Unicode case folding
    (Python's `str.casefold`; SQLite's lower() folds ASCII only), compatibility-normalised,
    spaces collapsed. "Émile Zola", " ÉMILE  ZOLA" and "émile zola" are one name, and so
    are "Straße" and "STRASSE". SQLite calls it as the SQL function `ws_name_key`."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())
