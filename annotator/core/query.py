"""The search query language, parsed into plain data; nothing here touches SQL.

``境外组织 "foreign agent" 间谍 OR 特务 -test speaker:Wang ep:1-12 date:2024-01..2024-06``

- Words and ``"quoted phrases"`` are terms; terms side by side must all match (AND; the word
  ``AND`` may be written). ``OR`` joins the terms on either side and binds tighter than AND, as
  in web search engines: ``a b OR c`` is ``a AND (b OR c)``.
- ``-term`` or ``NOT term`` excludes; ``-key:value`` excludes by a filter.
- A term with Chinese (or Japanese, Korean) characters matches as a substring; any other term
  matches whole words, case-insensitively, punctuation ignored (``NEAR(`` is the word ``near``).
- Filters: ``series:`` ``ep:3`` ``ep:1-12`` ``date:2024-01..2024-06`` ``speaker:`` ``character:``
  ``motif:`` (with the motif's subtree) ``kind:`` ``coder:`` ``field:``; the same key twice means
  either value. Values with spaces go in quotes: ``speaker:"Wang Wei"``.
Parentheses, ``*``, ``%`` and the like have no meaning: they are text like any other.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from annotator.core import models
from annotator.core.fold import fold, has_cjk, words

FILTER_KEYS = ("series", "ep", "date", "speaker", "character", "motif", "kind", "coder", "field")
MAX_QUERY = 1000


class QueryError(ValueError):
    """A malformed query; the message is one line meant for the user."""


@dataclass(frozen=True)
class Term:
    raw: str
    folded: str
    kind: str  # "sub" (substring) or "words" (a sequence of whole words)
    words: tuple[str, ...] = ()


    def matches(self, folded: str, folded_words: list[str] | None = None) -> bool:
        """The term's meaning on one folded text (what the index answers for many at once)."""
        if self.kind == "sub":
            return self.folded in folded
        tokens = words(folded) if folded_words is None else folded_words
        n = len(self.words)
        return any(tuple(tokens[i:i + n]) == self.words for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class Filter:
    key: str
    value: object
    raw: str
    negated: bool = False


@dataclass
class Query:
    """``groups`` are ANDed; each group is a list of (negated, Term) alternatives (OR)."""

    text: str
    groups: list[list[tuple[bool, Term]]] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)

    @property
    def positive_terms(self) -> list[Term]:
        return [t for g in self.groups for neg, t in g if not neg]

    def matches(self, folded: str) -> bool:
        """Whether one folded text satisfies the terms (filters are not looked at)."""
        tokens = words(folded)
        return all(
            (not group[0][1].matches(folded, tokens)) if group[0][0]
            else any(t.matches(folded, tokens) for _, t in group)
            for group in self.groups)

    def filter_values(self, key: str, negated: bool = False) -> list:
        return [f.value for f in self.filters if f.key == key and f.negated == negated]


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """Split into (prefix, token, quoted); a quote opens a phrase only at the start of a token
    or right after a ``-`` or ``key:`` prefix, so an inch mark inside a word stays text."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        prefix = ""
        if text[i] == "-" and i + 1 < n and text[i + 1] == '"':
            prefix, i = "-", i + 1
        else:
            match = re.match(r"-?([A-Za-z]+):\"", text[i:])
            if match and match.group(1).lower() in FILTER_KEYS:
                prefix, i = text[i:i + match.end() - 1], i + match.end() - 1
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise QueryError(f"unclosed quote at character {i + 1}: add the closing \" (or remove the quote)")
            out.append((prefix, text[i + 1:close], True))
            i = close + 1
            continue
        i = start
        while i < n and not text[i].isspace():
            i += 1
        out.append(("", text[start:i], False))
    return out


def make_term(raw: str) -> Term | None:
    """A term, or None for one or two punctuation marks (ignored, as search engines do)."""
    folded = fold(raw)
    if not folded:
        raise QueryError("an empty phrase (\"\") cannot be searched for")
    if has_cjk(folded):
        return Term(raw, folded, "sub")
    tokens = tuple(words(folded))
    if tokens:
        return Term(raw, folded, "words", tokens)
    if len(folded) >= 3:
        return Term(raw, folded, "sub")
    return None


def _episodes(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)(?:-(\d+))?", value)
    if not match:
        raise QueryError(f"ep:{value} is not an episode number or range (use ep:3 or ep:1-12)")
    lo = int(match.group(1))
    hi = int(match.group(2) or lo)
    if hi < lo:
        raise QueryError(f"ep:{value} is an empty range (the first number must not exceed the second)")
    return lo, hi


def _date_bound(value: str, end: bool) -> date:
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
        if len(parts) == 2:
            return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1] if end else 1)
        if len(parts) == 3:
            return date(*parts)
    except ValueError:
        pass
    raise QueryError(f"{value!r} is not a date (use 2024, 2024-05 or 2024-05-01)")


def _dates(value: str) -> tuple[date | None, date | None]:
    if ".." in value:
        first, _, last = value.partition("..")
        if not first and not last:
            raise QueryError("date: needs at least one end, e.g. date:2024-01..2024-06")
        return (_date_bound(first, False) if first else None, _date_bound(last, True) if last else None)
    return _date_bound(value, False), _date_bound(value, True)


def _filter(key: str, value: str, negated: bool) -> Filter:
    if not value:
        example = {"ep": "ep:3", "date": "date:2024-01..2024-06", "kind": "kind:speech"}.get(key, f'{key}:"a name"')
        raise QueryError(f"{key}: needs a value, e.g. {example}")
    parsed: object = value
    if key == "ep":
        parsed = _episodes(value)
    elif key == "date":
        parsed = _dates(value)
    elif key == "kind":
        parsed = value.lower()
        if parsed not in models.REGION_KINDS:
            raise QueryError(f"kind:{value} is not a region kind (use one of {', '.join(models.REGION_KINDS)})")
    elif key == "field":
        parsed = value.lower()
        if parsed not in models.SEARCH_FIELDS:
            raise QueryError(f"field:{value} is not a searched field (use one of {', '.join(models.SEARCH_FIELDS)})")
    return Filter(key, parsed, value, negated)


def parse(text: str) -> Query:
    """Parse a query; raises ``QueryError`` with a one-line message when it is malformed."""
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY})")
    query = Query(text)
    pending_or = False
    negate_next = False
    ignored: list[str] = []
    for prefix, token, quoted in _tokens(text):
        if not quoted and token == "OR":
            if not query.groups or pending_or or negate_next:
                raise QueryError("OR needs a term on both sides")
            pending_or = True
            continue
        if not quoted and token == "AND":
            if pending_or or negate_next:
                raise QueryError("AND cannot follow OR or NOT")
            continue
        if not quoted and token == "NOT":
            if negate_next:
                raise QueryError("NOT NOT: say it once")
            negate_next = True
            continue
        negated = negate_next
        negate_next = False
        if quoted:
            if prefix.startswith("-"):
                negated, prefix = not negated, prefix[1:]
            key, colon, value = prefix.partition(":")
            value = token if colon else value
        else:
            if token.startswith("-") and len(token) > 1:
                negated, token = not negated, token[1:]
            key, colon, value = token.partition(":")
        if colon and key.lower() in FILTER_KEYS:
            if pending_or:
                raise QueryError(f"filters cannot be joined with OR; repeat the key instead ({key}:a {key}:b)")
            query.filters.append(_filter(key.lower(), value.strip(), negated))
            continue
        term = make_term(token)
        if term is None:
            ignored.append(token)
            continue
        if pending_or:
            query.groups[-1].append((negated, term))
            pending_or = False
        else:
            query.groups.append([(negated, term)])
    if pending_or:
        raise QueryError("OR needs a term on both sides")
    if negate_next:
        raise QueryError("NOT needs a term after it")
    for group in query.groups:
        if len(group) > 1 and any(neg for neg, _ in group):
            raise QueryError("NOT cannot be one side of OR; write the exclusion as its own term")
    if not query.positive_terms and not [f for f in query.filters if not f.negated]:
        if ignored:
            raise QueryError(f"{' '.join(ignored)!r} has no letters, digits or Chinese characters to search for"
                             " (punctuation alone needs at least three characters)")
        raise QueryError("the query has nothing to look for: add a word or a filter (NOT only removes hits)")
    return query
