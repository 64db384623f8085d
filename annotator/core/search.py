"""Searching tagged dialogue, and auto-coding the hits of a search.

A hit is one field of one text region whose folded text satisfies the query: the displayed
text (correction, else OCR) or translation of the region itself, or the memo of a coding, the
name of the speaker, or the name of a motif attached to the region or to its panel. Hits come
in reading order (episode number, page, region order) with keyword-in-context lines; ``total``
is exact up to ``TOTAL_CAP`` hits.

Every value from the user reaches SQL as a bound parameter; the statement's shape comes only
from the parsed query (``core.query``). FTS5 match strings are built here from folded terms,
each a double-quoted FTS5 string, so FTS operators in a query are just text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import text as sql
from sqlmodel import select

from annotator.core import models
from annotator.core.fold import fold, fold_map, is_cjk, word_spans
from annotator.core.project import Project
from annotator.core.query import Query, QueryError, Term, parse
from annotator.core.search_index import episode_pos_range, uses_fts

TOTAL_CAP = 10_000
CONTEXT = 14  # characters of context either side of a match
DIRECT_FIELDS = ("text", "translation")


@dataclass
class Hit:
    region_id: int
    field: str
    series: str
    episode: int | None
    episode_id: int
    page: int  # 1-based, as the library shows it
    page_id: int
    panel: int | None  # 1-based reading-order number of the region's panel
    panel_id: int | None
    kind: str
    speaker: str | None
    text: str
    translation: str
    motifs: list[str]
    context: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # matched characters in ``text`` (or translation)

    def to_json(self) -> dict[str, Any]:
        return {"region_id": self.region_id, "series": self.series, "episode": self.episode, "page": self.page,
                "panel": self.panel, "field": self.field, "speaker": self.speaker, "text": self.text,
                "translation": self.translation, "motifs": self.motifs, "context": self.context}


@dataclass
class SearchResult:
    query: str
    total: int
    total_exact: bool
    hits: list[Hit]
    per_episode: list[dict[str, Any]] | None = None  # [{"series", "episode", "episode_id", "count"}]

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "hits": [h.to_json() for h in self.hits]}

    @property
    def total_label(self) -> str:
        return f"{self.total:,}" if self.total_exact else f"{TOTAL_CAP:,} or more"


# -- SQL for terms ---------------------------------------------------------------------------


class _Params:
    def __init__(self):
        self.values: dict[str, Any] = {}
        self.linked_docs: int | None = 0  # name and memo documents the query matched (see _linked_regions)

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_lookup(term: Term, p: _Params) -> tuple[str, bool]:
    """The FTS query that finds the term (SQLite), and whether its answer is exact without a check."""
    if term.kind == "words":
        return f"SELECT rowid FROM search_words WHERE search_words MATCH {p.add(_fts_string(' '.join(term.words)))}", True
    if len(term.folded) >= 3:
        return f"SELECT rowid FROM search_tri WHERE search_tri MATCH {p.add(_fts_string(term.folded))}", True
    if len(term.folded) == 2 and all(is_cjk(c) for c in term.folded):
        keys = [term.folded]
    else:
        keys = [c for c in term.folded if is_cjk(c)]
    match = " AND ".join(_fts_string(k) for k in keys)
    return f"SELECT rowid FROM search_grams WHERE search_grams MATCH {p.add(match)}", keys == [term.folded]


def _term_sql(term: Term, doc: str, p: _Params, fts: bool, dense: bool = False) -> str:
    """A condition on the search_doc row ``doc`` that holds when the term matches it.

    ``dense``: the documents are being walked in reading order, so the id must not be used to
    pick rows (the ``+`` keeps SQLite from doing so)."""
    if not fts:  # PostgreSQL: substring search on the folded text (pg_trgm index)
        if term.kind == "words":
            return f"{doc}.folded LIKE {p.add(_like(' '.join(term.words)))} ESCAPE '\\'"
        return f"{doc}.folded LIKE {p.add(_like(term.folded))} ESCAPE '\\'"
    lookup, exact = _fts_lookup(term, p)
    cond = f"{'+' if dense else ''}{doc}.id IN ({lookup})"
    if not exact:  # a CJK character next to a letter or mark: check the pair itself
        cond += f" AND {doc}.folded LIKE {p.add(_like(term.folded))} ESCAPE '\\'"
    return cond


def _expr_sql(query: Query, doc: str, p: _Params, fts: bool, dense: bool = False) -> str:
    parts = []
    for group in query.groups:
        if len(group) == 1 and group[0][0]:
            parts.append(f"NOT ({_term_sql(group[0][1], doc, p, fts, dense)})")
        else:
            parts.append("(" + " OR ".join(_term_sql(t, doc, p, fts, dense) for _, t in group) + ")")
    return " AND ".join(parts) or "1 = 1"


# -- filters -----------------------------------------------------------------------------------


def _ids_by_name(session, model, columns, value: str, key: str) -> list[int]:
    wanted = fold(value)
    rows = session.exec(select(model)).all()
    ids = [r.id for r in rows if any(fold(getattr(r, c) or "") == wanted for c in columns)]
    if not ids:
        raise QueryError(f"{key}:{value} matches no {model.__name__.lower()} in this project")
    return ids


def _motif_subtree(session, roots: list[int]) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for motif_id, parent_id in session.exec(select(models.Motif.id, models.Motif.parent_id)).all():
        children.setdefault(parent_id, []).append(motif_id)
    out, queue = [], list(roots)
    while queue:
        node = queue.pop()
        if node not in out:
            out.append(node)
            queue.extend(children.get(node, []))
    return out


def _in(column: str, values, p: _Params) -> str:
    return f"{column} IN ({', '.join(p.add(v) for v in values)})"


def _filter_sql(session, query: Query, rid: str, p: _Params) -> tuple[list[str], list[tuple[int, int]] | None]:
    """Conditions on the region id expression ``rid``, and ``pos`` ranges implied by ``ep:``
    (which let the reading-order index skip straight to those episodes)."""
    conds: list[str] = []
    pos_ranges = None
    for negated in (False, True):
        region_conds: list[str] = []
        series = query.filter_values("series", negated)
        if series:
            ids = sum((_ids_by_name(session, models.Series, ("name", "name_zh"), v, "series") for v in series), [])
            region_conds.append(_in("e.series_id", ids, p))
        episodes = query.filter_values("ep", negated)
        if episodes:
            region_conds.append("(" + " OR ".join(f"e.number BETWEEN {p.add(lo)} AND {p.add(hi)}"
                                                  for lo, hi in episodes) + ")")
            if not negated:
                series_ids = session.connection().execute(sql("SELECT id FROM series")).scalars().all()
                ranges = [episode_pos_range(sid, lo, hi) for sid in series_ids for lo, hi in episodes]
                pos_ranges = None if None in ranges else ranges
        dates = query.filter_values("date", negated)
        if dates:
            ranges = []
            for first, last in dates:
                bounds = ["e.published_on IS NOT NULL"]
                if first:
                    bounds.append(f"e.published_on >= {p.add(first.isoformat())}")
                if last:
                    bounds.append(f"e.published_on <= {p.add(last.isoformat())}")
                ranges.append("(" + " AND ".join(bounds) + ")")
            region_conds.append("(" + " OR ".join(ranges) + ")")
        kinds = query.filter_values("kind", negated)
        if kinds:
            region_conds.append(_in("r.kind", kinds, p))
        speakers = query.filter_values("speaker", negated)
        if speakers:
            ids = sum((_ids_by_name(session, models.Character, ("name", "name_zh"), v, "speaker") for v in speakers), [])
            region_conds.append(_in("r.speaker_id", ids, p))
        present = query.filter_values("character", negated)
        if present:
            ids = sum((_ids_by_name(session, models.Character, ("name", "name_zh"), v, "character") for v in present), [])
            region_conds.append(f"EXISTS (SELECT 1 FROM appearance a WHERE a.panel_id = r.panel_id"
                                f" AND {_in('a.character_id', ids, p)})")
        motif_values = query.filter_values("motif", negated)
        coders = query.filter_values("coder", negated)
        if motif_values or coders:
            coding_conds = []
            if motif_values:
                roots = sum((_ids_by_name(session, models.Motif, ("name", "name_zh"), v, "motif")
                             for v in motif_values), [])
                coding_conds.append(_in("c.motif_id", _motif_subtree(session, roots), p))
            if coders:
                ids = sum((_ids_by_name(session, models.Coder, ("name",), v, "coder") for v in coders), [])
                coding_conds.append(_in("c.coder_id", ids, p))
            where = " AND ".join(coding_conds)
            region_conds.append(f"(EXISTS (SELECT 1 FROM coding c WHERE c.text_region_id = r.id AND {where})"
                                f" OR EXISTS (SELECT 1 FROM coding c WHERE c.panel_id = r.panel_id AND {where}))")
        if region_conds:
            joined = " AND ".join(region_conds)
            exists = ("EXISTS (SELECT 1 FROM textregion r JOIN page pg ON pg.id = r.page_id"
                      f" JOIN episode e ON e.id = pg.episode_id WHERE r.id = {rid} AND {joined})")
            if negated:  # each negated filter excludes on its own
                exists = " AND ".join(
                    "NOT EXISTS (SELECT 1 FROM textregion r JOIN page pg ON pg.id = r.page_id"
                    f" JOIN episode e ON e.id = pg.episode_id WHERE r.id = {rid} AND {c})" for c in region_conds)
            conds.append(exists)
    return conds, pos_ranges


SMALL_FIELD = 20_000  # documents of a field evaluated in Python rather than through the FTS tables
SMALL_LINK = 5_000  # linked regions gathered into a list; more are checked region by region, in reading order

_OWNER = {"memo": "coding_id", "character": "character_id", "motif": "motif_id"}
_LINK_COUNT = {
    "memo": "SELECT count(*) FROM (SELECT 1 FROM coding WHERE {ids} LIMIT {cap})",
    "character": "SELECT count(*) FROM (SELECT 1 FROM textregion WHERE {ids} LIMIT {cap})",
    "motif": "SELECT count(*) FROM (SELECT 1 FROM coding WHERE {ids} LIMIT {cap})",
}
_LINK_COLUMN = {"memo": "id", "character": "speaker_id", "motif": "motif_id"}


def _linked_regions(conn, query: Query, field: str, p: _Params, fts: bool) -> tuple[str, str] | None:
    """A condition on the text document ``t`` for regions linked to a matching memo, speaker or
    motif, and a query counting those regions (at most ``TOTAL_CAP + 1``) straight from the
    links; None when nothing of that field matches.

    Names and memos are few next to texts, so their documents are matched in Python (the same
    ``Query.matches`` the index implements) instead of decoding long FTS posting lists once more.
    """
    owner = _OWNER[field]
    count = conn.execute(sql("SELECT count(*) FROM (SELECT 1 FROM search_doc WHERE field = :f LIMIT :cap) c"),
                         {"f": field, "cap": SMALL_FIELD + 1}).scalar()
    if count <= SMALL_FIELD:
        rows = conn.execute(sql(f"SELECT {owner}, folded FROM search_doc WHERE field = :f"), {"f": field}).all()
        ids = [owner_id for owner_id, folded in rows if query.matches(folded)]
        p.linked_docs += len(ids)
        if not ids:
            return None
        id_list = ", ".join(p.add(i) for i in ids)
    else:
        p.linked_docs = None  # unknown: no shortcut for counting the direct hits
        id_list = (f"SELECT m.{owner} FROM search_doc m WHERE m.field = {p.add(field)}"
                   f" AND {_expr_sql(query, 'm', p, fts)}")
    column = _LINK_COLUMN[field]
    if field == "character":
        regions = f"SELECT r.id FROM textregion r WHERE r.speaker_id IN ({id_list})"
        large = f"EXISTS (SELECT 1 FROM textregion r WHERE r.id = t.region_id AND r.speaker_id IN ({id_list}))"
    else:
        regions = (f"SELECT c.text_region_id FROM coding c WHERE c.{column} IN ({id_list})"
                   f" AND c.text_region_id IS NOT NULL UNION SELECT r.id FROM coding c JOIN textregion r"
                   f" ON r.panel_id = c.panel_id WHERE c.{column} IN ({id_list})")
        large = (f"(EXISTS (SELECT 1 FROM coding c WHERE c.text_region_id = t.region_id AND c.{column} IN ({id_list}))"
                 f" OR EXISTS (SELECT 1 FROM textregion r JOIN coding c ON c.panel_id = r.panel_id"
                 f" WHERE r.id = t.region_id AND c.{column} IN ({id_list})))")
    small = f"t.region_id IN ({regions})"
    counter = f"SELECT count(*) FROM ({regions} LIMIT {TOTAL_CAP + 1}) c"
    if field != "character":
        # each half alone may pass the cap; only when neither does is the (deduplicating) union counted
        cap = TOTAL_CAP + 1
        direct = (f"SELECT count(*) FROM (SELECT DISTINCT c.text_region_id FROM coding c WHERE c.{column} IN ({id_list})"
                  f" AND c.text_region_id IS NOT NULL LIMIT {cap}) d")
        panels = (f"SELECT count(*) FROM (SELECT DISTINCT r.id FROM coding c JOIN textregion r ON r.panel_id = c.panel_id"
                  f" WHERE c.{column} IN ({id_list}) LIMIT {cap}) d")
        counter = (f"SELECT CASE WHEN ({direct}) >= {cap} OR ({panels}) >= {cap} THEN {cap}"
                   f" ELSE ({counter}) END")
    if count > SMALL_FIELD:
        return small, counter
    estimate = conn.execute(sql(_LINK_COUNT[field].format(ids=f"{column} IN ({id_list})", cap=SMALL_LINK + 1)),
                            p.values).scalar()
    return (small if estimate <= SMALL_LINK else large), counter


def _hits_sql(session, query: Query, p: _Params, fts: bool) -> str:
    """One SELECT of (region_id, field, pos) rows: every hit of the query, unordered."""
    return _union(_branches(session, query, p, fts))


def _union(branches) -> str:
    return " UNION ALL ".join(b for _, b, _ in branches) or "SELECT 0 AS rid, 'text' AS field, 0 AS pos WHERE 1 = 0"


DENSE = 2_000  # estimated hits from which walking in reading order beats sorting the matches


def _estimate(conn, query: Query) -> int:
    """An upper bound on the documents the query matches, from the FTS tables alone (capped)."""
    bound = None
    for group in query.groups:
        if len(group) == 1 and group[0][0]:
            continue
        p = _Params()
        total = 0
        for _, term in group:
            lookup, _exact = _fts_lookup(term, p)
            total += conn.execute(sql(f"SELECT count(*) FROM ({lookup} LIMIT {DENSE}) c"), p.values).scalar()
        bound = total if bound is None else min(bound, total)
    return bound or 0


def fast_direct_count(conn, query: Query, p: _Params) -> int | None:
    """Direct hits (texts and translations) counted from the FTS table alone, when that is exact:
    one term, no filter, every field searched, and the name and memo documents it matched known."""
    if (len(query.groups) != 1 or len(query.groups[0]) != 1 or query.groups[0][0][0] or query.filters
            or p.linked_docs is None):
        return None
    lookup, exact = _fts_lookup(query.groups[0][0][1], p)
    if not exact:
        return None
    cap = TOTAL_CAP + 1 + p.linked_docs
    return conn.execute(sql(f"SELECT count(*) FROM ({lookup} LIMIT {cap}) c"), p.values).scalar() - p.linked_docs


def _branches(session, query: Query, p: _Params, fts: bool) -> list[tuple[str, str, str | None]]:
    """One SELECT of (rid, field, pos) per field kind, each with a cheaper count when there is one.

    Kept apart so each can stop early: the first ``limit`` hits overall are among the first
    ``limit`` of each branch, and each branch counts on its own up to the cap."""
    fields = set(query.filter_values("field")) or set(models.SEARCH_FIELDS)
    fields -= set(query.filter_values("field", True))
    filters, pos_ranges = _filter_sql(session, query, "t.region_id", p)
    if pos_ranges is not None:
        filters.insert(0, "(" + (" OR ".join(f"t.pos BETWEEN {p.add(a)} AND {p.add(b)}" for a, b in pos_ranges)
                                 or "1 = 0") + ")")
    where_filters = "".join(f" AND {c}" for c in filters)
    branches = []
    if not query.positive_terms:  # filters only: every region they select, by its text
        expr = _expr_sql(query, "t", p, fts)
        return [("text", f"SELECT t.region_id AS rid, 'text' AS field, t.pos AS pos FROM search_doc t"
                         f" WHERE t.field = 'text' AND {expr}{where_filters}", None)]
    conn = session.connection()
    dense = fts and (pos_ranges is not None or _estimate(conn, query) >= DENSE)
    # dense: walk the reading-order index and stop at the first hits; sparse: fetch the few
    # matching documents by id and sort them
    hint = " INDEXED BY ix_search_doc_field_pos" if dense else ""
    for name in sorted(fields & set(DIRECT_FIELDS)):
        branches.append((name,
            f"SELECT t.region_id AS rid, '{name}' AS field, t.pos AS pos FROM search_doc t{hint}"
            f" WHERE t.field = {p.add(name)} AND {_expr_sql(query, 't', p, fts, dense)}{where_filters}", None))
    for name in ("memo", "character", "motif"):
        if name in fields:
            linked = _linked_regions(conn, query, name, p, fts)
            if linked is not None:
                inner, counter = linked
                branches.append((name, f"SELECT t.region_id AS rid, '{name}' AS field, t.pos AS pos FROM search_doc t"
                                 f" WHERE t.field = 'text' AND {inner}{where_filters}",
                                 None if where_filters else counter))
    if not fields:
        raise QueryError("field: excludes every field; nothing is left to search")
    return branches


_FIELD_ORDER = {name: i for i, name in enumerate(models.SEARCH_FIELDS)}


def search(project: Project, query: str | Query, limit: int = 100, *, per_episode: bool = True) -> SearchResult:
    """Run a query (text or parsed); raises ``QueryError`` for a malformed one."""
    parsed = parse(query) if isinstance(query, str) else query
    if limit < 0:
        raise QueryError("the limit cannot be negative")
    with project.session() as s:
        conn = s.connection()
        p = _Params()
        fts = uses_fts(conn)
        branches = _branches(s, parsed, p, fts)
        rows, counted, pages = [], 0, []
        for name, branch, counter in branches:
            page = conn.execute(sql(f"SELECT rid, field, pos FROM ({branch}) h ORDER BY pos, rid LIMIT :lim"),
                                {**p.values, "lim": max(limit, 1)}).all()
            rows.extend(page)
            pages.append((name, branch, counter, page))
        direct = {name for name, *_ in branches} >= set(DIRECT_FIELDS)
        shortcut = None
        if fts and direct and any(name in DIRECT_FIELDS and len(page) >= max(limit, 1) for name, _, _, page in pages):
            shortcut = fast_direct_count(conn, parsed, p)
        for name, branch, counter, page in pages:
            if shortcut is not None and name in DIRECT_FIELDS:
                continue
            if counted <= TOTAL_CAP:
                counted += len(page) if len(page) < max(limit, 1) else conn.execute(
                    sql(counter or f"SELECT count(*) FROM ({branch} LIMIT {TOTAL_CAP + 1}) c"), p.values).scalar()
        counted += shortcut or 0
        rows.sort(key=lambda r: (r[2], r[0], _FIELD_ORDER[r[1]]))
        rows = [(rid, name) for rid, name, _ in rows[:limit]]
        hits_sql = _union(branches)
        hits = _details(s, parsed, rows)
        episodes = _per_episode(conn, hits_sql, p.values) if per_episode else None
    return SearchResult(parsed.text, min(counted, TOTAL_CAP), counted <= TOTAL_CAP, hits, episodes)


def hit_region_ids(project: Project, query: str | Query) -> list[int]:
    """Every region with at least one hit, in reading order, without the cap on ``total``."""
    parsed = parse(query) if isinstance(query, str) else query
    with project.session() as s:
        conn = s.connection()
        p = _Params()
        hits_sql = _hits_sql(s, parsed, p, uses_fts(conn))
        rows = conn.execute(sql(f"SELECT rid, min(pos) FROM ({hits_sql}) h GROUP BY rid ORDER BY min(pos), rid"),
                            p.values).all()
    return [r[0] for r in rows]


def _per_episode(conn, hits_sql: str, params: dict) -> list[dict[str, Any]]:
    rows = conn.execute(sql(
        f"SELECT e.id, e.number, s.name, count(*) FROM (SELECT rid, pos FROM ({hits_sql}) h ORDER BY pos"
        f" LIMIT {TOTAL_CAP + 1}) h JOIN textregion r ON r.id = h.rid JOIN page pg ON pg.id = r.page_id"
        " JOIN episode e ON e.id = pg.episode_id LEFT JOIN series s ON s.id = e.series_id"
        " GROUP BY e.id, e.number, s.name ORDER BY min(h.pos), e.id"), params).all()
    return [{"series": name or "", "episode": number, "episode_id": eid, "count": n} for eid, number, name, n in rows]


# -- hit details and context -------------------------------------------------------------------


def match_spans(raw: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in ``raw`` (a field as the reader sees it), as character spans."""
    if not raw:
        return []
    folded, origin = fold_map(raw)
    found: list[tuple[int, int]] = []
    tokens = None
    for term in terms:
        if term.kind == "sub":
            start = folded.find(term.folded)
            while start >= 0:
                found.append((start, start + len(term.folded)))
                start = folded.find(term.folded, start + 1)
        else:
            tokens = tokens if tokens is not None else word_spans(folded)
            n = len(term.words)
            for i in range(len(tokens) - n + 1):
                if tuple(t[2] for t in tokens[i:i + n]) == term.words:
                    found.append((tokens[i][0], tokens[i + n - 1][1]))
    spans = sorted({(origin[a], origin[b - 1] + 1) for a, b in found if b > a})
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def kwic(raw: str, spans: list[tuple[int, int]], width: int = CONTEXT) -> str:
    """A keyword-in-context line: the first match in [brackets] with ``width`` characters either side."""
    flat = " ".join(raw.split())
    if not spans:
        return flat[: 2 * width] + ("…" if len(flat) > 2 * width else "")
    # spans index ``raw``; re-find them in the flattened line by counting kept characters
    keep = [i for i, ch in enumerate(raw) if not ch.isspace() or (i > 0 and not raw[i - 1].isspace())]
    index = {orig: n for n, orig in enumerate(keep)}
    a, b = spans[0]
    a = index.get(a, 0)
    b = index.get(b - 1, a) + 1
    left = flat[max(0, a - width):a]
    right = flat[b:b + width]
    return (("…" if a > width else "") + left + "[" + flat[a:b] + "]" + right
            + ("…" if b + width < len(flat) else ""))


_REGION_INFO = sql(
    'SELECT r.id, r.text, r.ocr_text, r.translation, r.kind, r.panel_id, pg.id, pg."index", e.id, e.number, s.name,'
    ' ch.name, pn."order" FROM textregion r JOIN page pg ON pg.id = r.page_id JOIN episode e ON e.id = pg.episode_id'
    " LEFT JOIN series s ON s.id = e.series_id LEFT JOIN character ch ON ch.id = r.speaker_id"
    " LEFT JOIN panel pn ON pn.id = r.panel_id WHERE r.id IN :ids").bindparams(bindparam("ids", expanding=True))
_CODINGS_OF = {
    column: sql(f"SELECT {column}, motif_id, memo FROM coding WHERE {column} IN :ids").bindparams(
        bindparam("ids", expanding=True))
    for column in ("text_region_id", "panel_id")
}


@dataclass
class _Region:
    id: int
    text: str | None
    ocr_text: str | None
    translation: str
    kind: str
    panel_id: int | None
    page_id: int
    page_index: int
    episode_id: int
    episode: int | None
    series: str | None
    speaker: str | None
    panel_order: int | None

    @property
    def display_text(self) -> str:
        return self.text if self.text is not None else (self.ocr_text or "")


def _details(session, query: Query, rows: list[tuple[int, str]]) -> list[Hit]:
    """Hits with what a reader needs to place them; plain SQL (no ORM objects) keeps this cheap."""
    if not rows:
        return []
    conn = session.connection()
    ids = sorted({rid for rid, _ in rows})
    info = {row[0]: _Region(*row) for row in conn.execute(_REGION_INFO, {"ids": ids})}
    panel_ids = sorted({r.panel_id for r in info.values() if r.panel_id is not None})
    names = dict(conn.execute(sql("SELECT id, name FROM motif")).all())
    motifs: dict[tuple[str, int], list[str]] = {}
    memos: dict[tuple[str, int], list[str]] = {}
    for kind, column, keys in (("region", "text_region_id", ids), ("panel", "panel_id", panel_ids)):
        if keys:
            for target, motif_id, memo in conn.execute(_CODINGS_OF[column], {"ids": keys}):
                motifs.setdefault((kind, target), []).append(names.get(motif_id, ""))
                if memo:
                    memos.setdefault((kind, target), []).append(memo)
    terms = query.positive_terms
    hits = []
    for rid, name in rows:
        region = info[rid]
        shown = region.display_text
        coded = sorted(set(motifs.get(("region", rid), []) + motifs.get(("panel", region.panel_id), [])))
        source = region.translation if name == "translation" else shown
        spans = match_spans(source, terms) if name in DIRECT_FIELDS else []
        context = kwic(source, spans)
        if name == "character" and region.speaker is not None:
            context = f"{region.speaker}: {context}"
        elif name == "memo":
            notes = memos.get(("region", rid), []) + memos.get(("panel", region.panel_id), [])
            matched = [m for m in notes if match_spans(m, terms)] or notes
            context = f"memo: {kwic(matched[0], match_spans(matched[0], terms))} · {context}" if matched else context
        elif name == "motif":
            context = f"{', '.join(n for n in coded if match_spans(n, terms)) or ', '.join(coded)}: {context}"
        hits.append(Hit(
            region_id=rid, field=name, series=region.series or "", episode=region.episode,
            episode_id=region.episode_id, page=region.page_index + 1, page_id=region.page_id,
            panel=region.panel_order + 1 if region.panel_order is not None else None, panel_id=region.panel_id,
            kind=region.kind, speaker=region.speaker, text=shown, translation=region.translation or "",
            motifs=coded, context=context, spans=spans,
        ))
    return hits
