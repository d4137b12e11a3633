"""Database passwords kept out of everything a person sees: messages, the command line's
output, the TUI's text, logs and tracebacks.

A URL may carry its password in the userinfo (`postgresql://user:PW@host/db`), unencoded
`@` and all (`user:p@ss@host`: the password runs to the last `@` before the host, as the
person who typed it meant), or as a query parameter (`?password=PW`); a libpq conninfo
string has `password=PW`. `scrub()` masks all of these in any text, and every password of
a URL the app was given (`remember()`) wherever it appears, even in a driver's message that
quotes only a piece of the URL. `store.db.safe_url()` renders one URL for display.

No import from the rest of the package and none of SQLAlchemy: the error reporter, the
store and the TUI's first frame all use it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote

MASK = "***"

# scheme://[user]:PASSWORD@ — the password runs to the last @ of the unbroken text, so an
# unencoded @ in it hides the rest of the password too (never a piece of it).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]*:)\S*@")
# password=… as a URL's query parameter or in a conninfo string (quoted or not).
_PARAMETER = re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&;'\"]*)")

_known: set[str] = set()


def password_quoted(url: str) -> str:
    """`url` with any `@` inside its password percent-encoded, so that a parser splits the
    userinfo from the host at the last `@` before the host, not the first."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower().startswith("sqlite"):
        return url
    head, question, query = rest.partition("?")
    at = head.rfind("@")
    userinfo, host = head[:at], head[at + 1 :]
    if at < 0 or "@" not in userinfo or "/" in userinfo.partition(":")[0]:
        return url
    user, colon, password = userinfo.partition(":")
    return f"{scheme}://{user}{colon}{password.replace('@', '%40')}@{host}{question}{query}"


def passwords_in(url: str) -> list[str]:
    """The passwords a URL (or conninfo string) carries, as written and decoded."""
    found: list[str] = []
    _, sep, rest = password_quoted(url).partition("://")
    if sep:
        head, _, query = rest.partition("?")
        userinfo, at, _host = head.rpartition("@")
        if at and ":" in userinfo:
            found.append(userinfo.partition(":")[2])
        found += [v for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() == "password"]
    else:
        found += [m.group(2).strip("'") for m in _PARAMETER.finditer(url)]
    variants = {form for pw in found for form in (pw, unquote(pw), quote(unquote(pw), safe=""))}
    variants |= {pw.replace("%40", "@") for pw in variants}
    return sorted((pw for pw in variants if pw), key=len, reverse=True)


# Shorter passwords are masked where a URL shows them, not wherever their letters appear.
_SHORTEST_KNOWN = 4


def remember(url: str) -> None:
    """Mask the passwords of `url` in everything `scrub()` sees from now on."""
    _known.update(pw for pw in passwords_in(url) if len(pw) >= _SHORTEST_KNOWN)


def scrub(message: str) -> str:
    """`message` with every password in it masked."""
    for password in sorted(_known, key=len, reverse=True):
        message = message.replace(password, MASK)
    message = _USERINFO.sub(rf"\g<1>{MASK}@", message)
    return _PARAMETER.sub(rf"\g<1>{MASK}", message)
