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

from sqlalchemy import text as sql
from sqlmodel import select

from annotator.core import models
from annotator.core.fold import fold, fold_map, is_cjk
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

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term_sql(term: Term, doc: str, p: _Params, fts: bool) -> str:
    """A condition on the search_doc row ``doc`` that holds when the term matches it."""
    if not fts:  # PostgreSQL: substring search on the folded text (pg_trgm index)
        if term.kind == "words":
            return f"{doc}.folded LIKE {p.add(_like(' '.join(term.words)))} ESCAPE '\\'"
        return f"{doc}.folded LIKE {p.add(_like(term.folded))} ESCAPE '\\'"
    if term.kind == "words":
        return (f"{doc}.id IN (SELECT rowid FROM search_words WHERE search_words MATCH "
                f"{p.add(_fts_string(' '.join(term.words)))})")
    if len(term.folded) >= 3:
        return f"{doc}.id IN (SELECT rowid FROM search_tri WHERE search_tri MATCH {p.add(_fts_string(term.folded))})"
    if len(term.folded) == 2 and all(is_cjk(c) for c in term.folded):
        keys = [term.folded]
    else:
        keys = [c for c in term.folded if is_cjk(c)]
    match = " AND ".join(_fts_string(k) for k in keys)
    cond = f"{doc}.id IN (SELECT rowid FROM search_grams WHERE search_grams MATCH {p.add(match)})"
    if keys != [term.folded]:  # a CJK character next to a letter or mark: check the pair itself
        cond += f" AND {doc}.folded LIKE {p.add(_like(term.folded))} ESCAPE '\\'"
    return cond


def _expr_sql(query: Query, doc: str, p: _Params, fts: bool) -> str:
    parts = []
    for group in query.groups:
        if len(group) == 1 and group[0][0]:
            parts.append(f"NOT ({_term_sql(group[0][1], doc, p, fts)})")
        else:
            parts.append("(" + " OR ".join(_term_sql(t, doc, p, fts) for _, t in group) + ")")
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
                series_ids = session.exec(select(models.Series.id)).all()
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


def _hits_sql(session, query: Query, p: _Params, fts: bool) -> str:
    """One SELECT of (region_id, field, pos) rows: every hit of the query, unordered."""
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
        return (f"SELECT t.region_id AS rid, 'text' AS field, t.pos AS pos FROM search_doc t"
                f" WHERE t.field = 'text' AND {expr}{where_filters}")
    direct = sorted(fields & set(DIRECT_FIELDS))
    if direct:
        branches.append(
            f"SELECT t.region_id AS rid, t.field AS field, t.pos AS pos FROM search_doc t"
            f" WHERE {_in('t.field', direct, p)} AND {_expr_sql(query, 't', p, fts)}{where_filters}")
    linked = {
        "memo": ("SELECT c.text_region_id FROM coding c JOIN search_doc m ON m.coding_id = c.id"
                 " WHERE m.field = 'memo' AND c.text_region_id IS NOT NULL AND {expr}"
                 " UNION SELECT r.id FROM coding c JOIN search_doc m ON m.coding_id = c.id"
                 " JOIN textregion r ON r.panel_id = c.panel_id WHERE m.field = 'memo' AND {expr}"),
        "character": ("SELECT r.id FROM search_doc m JOIN textregion r ON r.speaker_id = m.character_id"
                      " WHERE m.field = 'character' AND {expr}"),
        "motif": ("SELECT c.text_region_id FROM search_doc m JOIN coding c ON c.motif_id = m.motif_id"
                  " WHERE m.field = 'motif' AND c.text_region_id IS NOT NULL AND {expr}"
                  " UNION SELECT r.id FROM search_doc m JOIN coding c ON c.motif_id = m.motif_id"
                  " JOIN textregion r ON r.panel_id = c.panel_id WHERE m.field = 'motif' AND {expr}"),
    }
    for name in ("memo", "character", "motif"):
        if name in fields:
            inner = linked[name].replace("{expr}", _expr_sql(query, "m", p, fts))
            branches.append(f"SELECT t.region_id AS rid, '{name}' AS field, t.pos AS pos FROM search_doc t"
                            f" WHERE t.field = 'text' AND t.region_id IN ({inner}){where_filters}")
    if not branches:
        raise QueryError("field: excludes every field; nothing is left to search")
    return " UNION ALL ".join(branches)


_FIELD_ORDER = {name: i for i, name in enumerate(models.SEARCH_FIELDS)}


def search(project: Project, query: str | Query, limit: int = 100, *, per_episode: bool = True) -> SearchResult:
    """Run a query (text or parsed); raises ``QueryError`` for a malformed one."""
    parsed = parse(query) if isinstance(query, str) else query
    if limit < 0:
        raise QueryError("the limit cannot be negative")
    with project.session() as s:
        conn = s.connection()
        p = _Params()
        hits_sql = _hits_sql(s, parsed, p, uses_fts(conn))
        counted = conn.execute(sql(f"SELECT count(*) FROM (SELECT 1 FROM ({hits_sql}) h LIMIT {TOTAL_CAP + 1}) c"),
                               p.values).scalar()
        rows = conn.execute(sql(f"SELECT rid, field FROM ({hits_sql}) h ORDER BY pos, rid LIMIT :lim"),
                            {**p.values, "lim": limit}).all() if limit else []
        rows = _stable_fields(rows)
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


def _stable_fields(rows) -> list[tuple[int, str]]:
    """Within one region, list fields in a fixed order (text, translation, memo, ...)."""
    out: list[tuple[int, str]] = []
    for rid, name in rows:
        out.append((rid, name))
        i = len(out) - 1
        while i > 0 and out[i - 1][0] == rid and _FIELD_ORDER[out[i - 1][1]] > _FIELD_ORDER[name]:
            out[i - 1], out[i] = out[i], out[i - 1]
            i -= 1
    return out


def _per_episode(conn, hits_sql: str, params: dict) -> list[dict[str, Any]]:
    rows = conn.execute(sql(
        f"SELECT e.id, e.number, s.name, count(*) FROM (SELECT rid, pos FROM ({hits_sql}) h ORDER BY pos"
        f" LIMIT {TOTAL_CAP + 1}) h JOIN textregion r ON r.id = h.rid JOIN page pg ON pg.id = r.page_id"
        " JOIN episode e ON e.id = pg.episode_id LEFT JOIN series s ON s.id = e.series_id"
        " GROUP BY e.id, e.number, s.name ORDER BY min(h.pos), e.id"), params).all()
    return [{"series": name or "", "episode": number, "episode_id": eid, "count": n} for eid, number, name, n in rows]


# -- hit details and context -------------------------------------------------------------------


def _token_spans(folded: str) -> list[tuple[int, int, str]]:
    import re

    cleaned = "".join(" " if is_cjk(ch) else ch for ch in folded)
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\W_]+", cleaned)]


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
            tokens = tokens if tokens is not None else _token_spans(folded)
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


def _details(session, query: Query, rows: list[tuple[int, str]]) -> list[Hit]:
    if not rows:
        return []
    ids = sorted({rid for rid, _ in rows})
    info = {}
    for region, page, episode, series_name, speaker in session.exec(
        select(models.TextRegion, models.Page, models.Episode, models.Series.name, models.Character)
        .join(models.Page, models.Page.id == models.TextRegion.page_id)
        .join(models.Episode, models.Episode.id == models.Page.episode_id)
        .join(models.Series, models.Series.id == models.Episode.series_id, isouter=True)
        .join(models.Character, models.Character.id == models.TextRegion.speaker_id, isouter=True)
        .where(models.TextRegion.id.in_(ids))
    ).all():
        info[region.id] = (region, page, episode, series_name or "", speaker)
    panel_ids = {r.panel_id for r, *_ in info.values() if r.panel_id is not None}
    panels = dict(session.exec(select(models.Panel.id, models.Panel.order).where(models.Panel.id.in_(panel_ids))).all()) \
        if panel_ids else {}
    motifs: dict[tuple[str, int], list[str]] = {}
    memos: dict[tuple[str, int], list[str]] = {}
    for kind, column, keys in (("region", models.Coding.text_region_id, ids), ("panel", models.Coding.panel_id,
                                                                             sorted(panel_ids))):
        if not keys:
            continue
        for target, name, memo in session.exec(
            select(column, models.Motif.name, models.Coding.memo)
            .join(models.Motif, models.Motif.id == models.Coding.motif_id)
            .where(column.in_(keys)).order_by(models.Motif.name)
        ).all():
            motifs.setdefault((kind, target), []).append(name)
            if memo:
                memos.setdefault((kind, target), []).append(memo)
    terms = query.positive_terms
    hits = []
    for rid, name in rows:
        region, page, episode, series_name, speaker = info[rid]
        shown = region.display_text
        names = sorted(set(motifs.get(("region", rid), []) + motifs.get(("panel", region.panel_id), [])))
        source = region.translation if name == "translation" else shown
        spans = match_spans(source, terms) if name in DIRECT_FIELDS else []
        context = kwic(source, spans)
        if name == "character" and speaker is not None:
            context = f"{speaker.name}: {context}"
        elif name == "memo":
            notes = memos.get(("region", rid), []) + memos.get(("panel", region.panel_id), [])
            matched = [m for m in notes if match_spans(m, terms)] or notes
            context = f"memo: {kwic(matched[0], match_spans(matched[0], terms))} · {context}" if matched else context
        elif name == "motif":
            context = f"{', '.join(n for n in names if match_spans(n, terms)) or ', '.join(names)}: {context}"
        hits.append(Hit(
            region_id=rid, field=name, series=series_name, episode=episode.number, episode_id=episode.id,
            page=page.index + 1, page_id=page.id,
            panel=(panels[region.panel_id] + 1) if region.panel_id in panels else None, panel_id=region.panel_id,
            kind=region.kind, speaker=speaker.name if speaker else None, text=shown, translation=region.translation,
            motifs=names, context=context, spans=spans,
        ))
    return hits
