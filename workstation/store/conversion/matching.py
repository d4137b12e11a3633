"""Duplicates a conversion should attach to rather than create: accounts that match a lead,
and contacts of an account that match it, each with the reasons why.

Accounts match by email or website domain (exact, on the indexed `domain` column) and by
company name, fuzzily: names are compared after dropping case, punctuation and legal
suffixes, so "Acme" ≈ "Acme, Inc." ≈ "ACME Corp". Candidates come from the name index
(names starting with the company's first word), never from a scan of every account.
Contacts of one account match by email, then phone, then name (DESIGN.md "Conversion").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import and_, bindparam, or_, select
from sqlmodel import Session

from workstation.store.models import Account, Contact, Lead
from workstation.store.tables import table_of

# A shared mailbox provider says nothing about where someone works.
FREE_MAIL_DOMAINS = frozenset(
    (
        "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com "
        "ymail.com icloud.com me.com aol.com proton.me protonmail.com gmx.de gmx.net "
        "web.de mail.com yandex.ru"
    ).split()
)
LEGAL_SUFFIXES = frozenset(
    (
        "inc incorporated llc llp ltd limited corp corporation co company plc gmbh ag kg "
        "sa sas sarl srl spa bv nv oy ab as pty pte"
    ).split()
)
NAME_MATCH = 85  # a name this similar (0–100, suffixes ignored) is shown as a match
STRONG_NAME_MATCH = 95  # … and this similar is attached to by default
CANDIDATES = 100  # accounts read per lookup, at most
CONTACTS_READ = 500  # contacts of one account compared, at most
SHOWN = 5

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class AccountMatch:
    id: int
    name: str
    domain: str | None
    owner_id: int | None
    score: int  # for ordering: exact signals first, then name similarity
    strong: bool  # safe to attach to by default
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContactMatch:
    id: int
    name: str
    email: str | None
    phone: str | None
    rank: int  # 0 email, 1 phone, 2 name: the order DESIGN.md gives
    reasons: tuple[str, ...]


def normalise_company(name: str) -> str:
    """`Acme, Inc.` → `acme`: case, punctuation, a leading "the" and legal suffixes dropped."""
    words = _WORD.findall(name.casefold())
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def _host(value: str | None) -> str | None:
    if not value:
        return None
    host = value.strip().casefold()
    host = host.split("://", 1)[-1].split("/", 1)[0].split("@")[-1]
    host = host.removeprefix("www.")
    return host or None


def company_domains(lead: Lead) -> list[tuple[str, str]]:
    """(domain, where from) of the lead's company: a work email's domain, its website's."""
    return domains_of(lead.email, lead.website)


def domains_of(email: str | None, website: str | None) -> list[tuple[str, str]]:
    """(domain, where from) of a work email (a free mail domain names no company) and of a
    website."""
    found: list[tuple[str, str]] = []
    email_domain = _host(email.rsplit("@", 1)[-1]) if email and "@" in email else None
    if email_domain and email_domain not in FREE_MAIL_DOMAINS:
        found.append((email_domain, "email"))
    website = _host(website)
    if website and website not in {d for d, _ in found}:
        found.append((website, "website"))
    return found


_account = table_of(Account).c
_contact = table_of(Contact).c
_ACCOUNT_COLUMNS = (_account.id, _account.name, _account.domain, _account.owner_id)
SPELLINGS = 4  # as typed, Capitalised, UPPER, lower: the name index is case-sensitive

# Built once (TARGETS.md: building a select costs more than running it); values are bound.
_BY_DOMAIN = (
    select(*_ACCOUNT_COLUMNS)
    .where(
        _account.active, or_(_account.domain == bindparam("d0"), _account.domain == bindparam("d1"))
    )
    .limit(CANDIDATES)
)
# Names starting with a word, as ranges the name index serves (a LIKE would not be).
_BY_NAME = (
    select(*_ACCOUNT_COLUMNS)
    .where(
        _account.active,
        or_(
            *(
                and_(_account.name >= bindparam(f"lo{i}"), _account.name < bindparam(f"hi{i}"))
                for i in range(SPELLINGS)
            )
        ),
    )
    .limit(CANDIDATES)
)
_BY_ID = select(*_ACCOUNT_COLUMNS).where(_account.id == bindparam("id"), _account.active)
_CONTACTS = (
    select(_contact.id, _contact.first_name, _contact.last_name, _contact.email, _contact.phone)
    .where(_contact.account_id == bindparam("account_id"), _contact.active)
    .order_by(_contact.id)
    .limit(CONTACTS_READ)
)


def core_name(company: str) -> str:
    """The name as typed without a leading "the", punctuation or legal suffixes."""
    words = _WORD.findall(company)
    if words and words[0].casefold() == "the":
        words = words[1:]
    while len(words) > 1 and words[-1].casefold() in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def _name_ranges(prefix: str) -> dict[str, str]:
    """Bound values for `_BY_NAME`: names starting with `prefix`, however capitalised."""
    spellings = [prefix, prefix.title(), prefix.upper(), prefix.lower()]
    params = {}
    for i, spelling in enumerate(spellings):
        params[f"lo{i}"] = spelling
        params[f"hi{i}"] = spelling[:-1] + chr(ord(spelling[-1]) + 1)
    return params


def account_matches(session: Session, lead: Lead) -> list[AccountMatch]:
    """Accounts the lead may belong to, best first, each with why it matched."""
    found: dict[int, tuple[Any, list[str], int, bool]] = {}

    def add(row, reason: str, score: int, strong: bool) -> None:
        _, reasons, best, was_strong = found.get(row.id, (row, [], 0, False))
        found[row.id] = (row, [*reasons, reason], best + score, was_strong or strong)

    if lead.existing_account_id is not None:
        for row in session.connection().execute(_BY_ID, {"id": lead.existing_account_id}):
            add(row, "the lead is an inquiry from this customer account", 300, True)
    domains = company_domains(lead)
    if domains:
        params = {"d0": domains[0][0], "d1": domains[-1][0]}
        for row in session.connection().execute(_BY_DOMAIN, params):
            where = next(source for d, source in domains if d == row.domain)
            add(row, f"{where} domain {row.domain}", 200, True)
    wanted = normalise_company(lead.company or "")
    core = core_name(lead.company or "")
    # The whole core name first ("Acme Widgets" finds "Acme Widgets, Inc."); only when that
    # finds nothing alike enough, every name sharing the first word ("Acme Widget Co").
    prefixes = [core] + ([core.split()[0]] if " " in core else [])
    named: set[int] = set()
    for prefix in prefixes if wanted else ():
        alike_enough = False
        for row in session.connection().execute(_BY_NAME, _name_ranges(prefix)):
            if row.id in named:
                continue
            named.add(row.id)
            similarity = round(fuzz.ratio(wanted, normalise_company(row.name)))
            if similarity >= NAME_MATCH:
                alike = "same name" if similarity == 100 else f"name {similarity}% alike"
                alike_enough = alike_enough or similarity >= STRONG_NAME_MATCH
                add(
                    row,
                    f"{alike}: “{row.name}” ≈ “{lead.company}”",
                    similarity,
                    similarity >= STRONG_NAME_MATCH,
                )
        if alike_enough:
            break
    ranked = sorted(found.values(), key=lambda item: (-item[2], item[0].id))
    return [
        AccountMatch(
            id=row.id,
            name=row.name,
            domain=row.domain,
            owner_id=row.owner_id,
            score=score,
            strong=strong,
            reasons=tuple(reasons),
        )
        for row, reasons, score, strong in ranked[:SHOWN]
    ]


def _full_name(first: str | None, last: str) -> str:
    return f"{first} {last}" if first else last


def _name_key(name: str | None) -> str:
    return " ".join(_WORD.findall((name or "").casefold()))


def _same_person_name(lead: Lead, contact) -> bool:
    if _name_key(lead.last_name) != _name_key(contact.last_name):
        return False
    mine, theirs = _name_key(lead.first_name), _name_key(contact.first_name)
    if not mine or not theirs:
        return True
    # "Bob" and "Bobby", "J" and "Jane", small typos: the same person within one account.
    return mine.startswith(theirs) or theirs.startswith(mine) or fuzz.ratio(mine, theirs) >= 80


def contact_matches(session: Session, lead: Lead, account_id: int) -> list[ContactMatch]:
    """Contacts of `account_id` that may be this lead: by email, then phone, then name."""
    email = (lead.email or "").casefold()
    matches: list[ContactMatch] = []
    for contact in session.connection().execute(_CONTACTS, {"account_id": account_id}):
        reasons: list[tuple[int, str]] = []
        if email and (contact.email or "").casefold() == email:
            reasons.append((0, f"same email {contact.email}"))
        if lead.phone and contact.phone == lead.phone:
            reasons.append((1, f"same phone {contact.phone}"))
        if _same_person_name(lead, contact):
            reasons.append((2, "same name"))
        if reasons:
            matches.append(
                ContactMatch(
                    id=contact.id,
                    name=_full_name(contact.first_name, contact.last_name),
                    email=contact.email,
                    phone=contact.phone,
                    rank=reasons[0][0],
                    reasons=tuple(reason for _, reason in reasons),
                )
            )
    matches.sort(key=lambda match: (match.rank, -len(match.reasons), match.id))
    return matches[:SHOWN]
