"""The search: a typed text to the records it finds, each saying what it is and which of
its fields matched. SQLite asks the FTS5 index, PostgreSQL each table's trigram index,
for each kind's newest matches (a walk that stops after a few, however many match);
records found by their name come first. When the words find nothing, names close to a
misspelt word (a letter or two off) are tried, and the records so found marked close."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA
from sqlalchemy import text
from sqlmodel import Session

from workstation.store.search.index import DOCUMENTS, KIND_BASE, KINDS, kind_top, trigram_schema
from workstation.store.search.terms import (
    FUZZY_FROM,
    Terms,
    fold,
    fts_query,
    in_word_columns,
    like_pattern,
    matched_fields,
    parse,
    word_start,
    words_of,
)

DEFAULT_LIMIT = 20
Found = list[tuple[str, int]]  # (kind, id) of each record found
# Close names considered for one misspelt word.
CLOSE_TERMS = 8
# PostgreSQL: how alike (pg_trgm) a misspelt word and a word of a record must be to be
# looked at; the letters-off test below then decides, as on SQLite. A swap of two letters
# in a short name leaves a third of its trigrams.
CLOSE_SIMILARITY = 0.3
CLOSE_CANDIDATES = 5

# One kind's records, newest first (the lowest rowids): FTS5 walks the range forwards and
# stops at the limit, where ranking every match (bm25) costs as much as there are matches.
_SQLITE_FIND = text(
    "SELECT :top - rowid FROM search_index WHERE search_index MATCH :query "
    "AND rowid BETWEEN :base AND :top ORDER BY rowid LIMIT :limit"
)
_SQLITE_TERMS = text(
    "SELECT term FROM search_terms WHERE col = 'name' AND term >= :low AND term < :high"
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str  # "lead", "contact", "account" or "opportunity"
    id: int
    name: str
    detail: str  # company or account, email, phone, status: what tells two Smiths apart
    matched: tuple[str, ...]  # the fields the text was found in: name, company, email, phone
    close: bool = False  # found by a name close to a misspelt word

    @property
    def why(self) -> str:
        fields = ", ".join(self.matched) or "name"
        return f"{fields} (close match)" if self.close else fields


def search(session: Session, query: str, *, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    """Records matching `query`, best first; nothing for a text with no word or digit."""
    terms = parse(query)
    if terms.empty or limit < 1:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    find = _postgres_ids if postgres else _sqlite_ids
    hits = _best_first(_hits(session, terms, find(session, terms, limit, close=False)))
    if terms.as_typed:  # the number holding the zeros as typed first, then the others
        kept = Terms((), terms.as_typed)
        first = _best_first(_hits(session, kept, find(session, kept, limit, close=False)))
        seen = {(hit.kind, hit.id) for hit in first}
        hits = first + [hit for hit in hits if (hit.kind, hit.id) not in seen]
    hits = hits[:limit]
    if not hits and terms.words:  # looking for close names costs more: only when needed
        hits = _best_first(
            _hits(session, terms, find(session, terms, limit, close=True), close=True)
        )
    return hits[:limit]


# Among records found alike, the fewer and weightier first: an account before its people.
_KIND_ORDER = {"account": 0, "contact": 1, "opportunity": 2, "lead": 3}


def _best_first(hits: list[SearchHit]) -> list[SearchHit]:
    """Records found by their name first, then by kind; each kind newest first."""
    return sorted(hits, key=lambda hit: ("name" not in hit.matched, _KIND_ORDER[hit.kind]))


def _sqlite_ids(session: Session, terms: Terms, limit: int, *, close: bool) -> Found:
    if close:
        query = _close_query(session, terms)
        if query is None:
            return []
    else:
        query = fts_query(terms)
    found: Found = []
    for kind in KINDS:
        parameters = {"query": query, "limit": limit, "base": KIND_BASE[kind],
                      "top": kind_top(kind)}  # fmt: skip
        found += [(kind, i) for i in session.execute(_SQLITE_FIND, parameters).scalars()]
    return found


def _close_query(session: Session, terms: Terms) -> str | None:
    """The words again, each long one also as the index's names close to it; None when no
    word has a close name."""
    parts, any_close = [], False
    for word in terms.words:
        close = _close_terms(session, word) if len(word) >= FUZZY_FROM else []
        any_close = any_close or bool(close)
        choices = [f'"{word}"*', *(f'"{term}"' for term in close)]
        parts.append(f"({' OR '.join(choices)})" if close else choices[0])
    return in_word_columns(parts) if any_close else None


def _close_terms(session: Session, word: str) -> list[str]:
    """Words of the index's names a letter or two from `word` (a swap counts as one),
    among those that start with its first letter: a misspelling rarely starts wrong."""
    first = word[0]
    candidates = session.execute(
        _SQLITE_TERMS, {"low": first, "high": chr(ord(first) + 1)}
    ).scalars()
    close = [
        (OSA.distance(word, term), term)
        for term in candidates
        if term != word and not term.startswith(word)
    ]
    return [term for distance, term in sorted(close) if distance <= _most(word)][:CLOSE_TERMS]


def _most(word: str) -> int:
    """Letters a word may be off by (a swap of two counts as one)."""
    return 1 if len(word) < 6 else 2


def _is_close(terms: Terms, name: str) -> bool:
    """Every word of the terms starts a word of `name`, or a long one is a few letters
    off one."""
    words = words_of(name)
    return all(
        any(
            word.startswith(term)
            or (len(term) >= FUZZY_FROM and OSA.distance(term, word) <= _most(term))
            for word in words
        )
        for term in terms.words
    )


def _postgres_ids(session: Session, terms: Terms, limit: int, *, close: bool) -> Found:
    schema = trigram_schema(session.connection())
    if close:
        session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {CLOSE_SIMILARITY}"))
    found: Found = []
    asked = limit * CLOSE_CANDIDATES if close else limit
    for table, document in DOCUMENTS.items():
        conditions: list[str] = []
        parameters: dict[str, object] = {"limit": asked}
        for n, term in enumerate([terms.digits] if terms.digits else terms.words):
            if close and len(term) >= FUZZY_FROM:
                conditions.append(f"(:w{n} OPERATOR({schema}.<%) {document})")
                parameters[f"w{n}"] = term
            elif terms.digits:
                conditions.append(f"({document}) LIKE :w{n}")
                parameters[f"w{n}"] = like_pattern(term)
            else:  # the start of a word, as on SQLite (the trigram index serves both)
                conditions.append(f"({document}) ~ :w{n}")
                parameters[f"w{n}"] = word_start(term)
        rows = session.execute(
            text(
                f'SELECT id FROM "{table}" WHERE {" AND ".join(conditions)} '
                "ORDER BY id DESC LIMIT :limit"
            ),
            parameters,
        ).scalars()
        found += [(table, record_id) for record_id in rows]
    return found


_RECORDS = {
    "lead": "SELECT id, trim(coalesce(first_name, '') || ' ' || last_name), company, email, "
    "phone, status FROM lead WHERE id IN ({ids})",
    "contact": "SELECT c.id, trim(coalesce(c.first_name, '') || ' ' || c.last_name), a.name, "
    "c.email, c.phone, c.lifecycle_stage FROM contact c LEFT JOIN account a "
    "ON a.id = c.account_id WHERE c.id IN ({ids})",
    "account": "SELECT id, name, coalesce(domain, website), NULL, phone, industry FROM account "
    "WHERE id IN ({ids})",
    "opportunity": "SELECT o.id, o.name, a.name, NULL, NULL, o.stage FROM opportunity o "
    "JOIN account a ON a.id = o.account_id WHERE o.id IN ({ids})",
}
# Which of a record's values the search looked in, by field; the rest only tell it apart.
_SEARCHED = {
    "lead": ("name", "company", "email", "phone"),
    "contact": ("name", "email", "phone"),
    "account": ("name", "website", "phone"),
    "opportunity": ("name",),
}


def _hits(session: Session, terms: Terms, found: Found, *, close: bool = False) -> list[SearchHit]:
    rows: dict[tuple[str, int], tuple] = {}
    for kind in KINDS:
        ids = [record_id for k, record_id in found if k == kind]
        if ids:
            sql = _RECORDS[kind].format(ids=", ".join(str(int(i)) for i in ids))
            rows |= {(kind, row[0]): row for row in session.execute(text(sql)).all()}
    hits = []
    for key in found:
        if key not in rows:
            continue
        _id, name, company, email, phone, status = rows[key]
        values = {"name": name, "company": company, "email": email, "phone": phone}
        if key[0] == "account":
            values["website"] = values.pop("company")
        searched = {field: values.get(field) for field in _SEARCHED[key[0]]}
        if close and not _is_close(terms, name):
            continue
        matched = ("name",) if close else matched_fields(terms, searched)
        detail = " · ".join(
            # The phone as stored (E.164): formatting it costs a millisecond a record.
            str(part)
            for part in (company, email, phone, status)
            if part
        )
        hits.append(SearchHit(key[0], key[1], name, detail, matched, close))
    return hits


def leads_at(session: Session, *, domain: str | None, company: str, limit: int) -> list[int]:
    """Leads whose email is at `domain` or whose company is `company` (an account's leads
    that were never converted onto it), newest first, found through the search index."""
    domain = (domain or "").lower().removeprefix("www.")
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        document = DOCUMENTS["lead"]
        wanted = [f"({document}) LIKE :company"]
        parameters: dict[str, object] = {"company": like_pattern(company.lower())}
        if domain:
            wanted.append(f"({document}) LIKE :domain")
            parameters["domain"] = like_pattern(f"@{domain}")
        sql = f"SELECT id FROM lead WHERE {' OR '.join(wanted)} ORDER BY id DESC"
    else:
        phrases = [f'company : "{" ".join(words_of(company))}"']
        if words_of(domain):
            phrases.append(f'email : "{" ".join(words_of(domain))}"')
        sql = (
            f"SELECT {kind_top('lead')} - rowid FROM search_index WHERE search_index MATCH "
            f":query AND rowid BETWEEN {KIND_BASE['lead']} AND {kind_top('lead')} ORDER BY rowid"
        )
        parameters = {"query": " OR ".join(phrases)}
    # The index finds the words; the values themselves decide.
    candidates = session.execute(text(f"{sql} LIMIT :limit"), parameters | {"limit": limit * 4})
    ids = [row[0] for row in candidates]
    if not ids:
        return []
    rows = session.execute(
        text(f"SELECT id, email, company FROM lead WHERE id IN ({', '.join(map(str, ids))})")
    ).all()
    folded_company = fold(company.strip())
    keep = {
        lead_id
        for lead_id, email, lead_company in rows
        if (domain and (email or "").lower().endswith(f"@{domain}"))
        or fold((lead_company or "").strip()) == folded_company
    }
    return [lead_id for lead_id in ids if lead_id in keep][:limit]
