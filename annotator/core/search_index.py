"""The search index, kept in step with every write by the database layer itself.

``search_doc`` holds one folded document per searchable field (a region's displayed text and
its translation, a coding's memo, a character's names, a motif's names). A SQLAlchemy
``after_flush`` hook rewrites the documents of every region, coding, character and motif a
flush touched, inside the same transaction, so no service (GUI, CLI, import, OCR re-run,
undo) can forget it; rows the database deletes by itself (a page's regions) take their
documents along through ``ON DELETE CASCADE``.

On SQLite three FTS5 tables index the documents:
- ``search_tri`` (trigram, external content on ``search_doc.folded``): substrings of three or
  more characters;
- ``search_grams`` (single CJK characters and CJK pairs, ``detail=none``): one- and
  two-character Chinese queries, which trigrams cannot answer;
- ``search_words`` (word tokens outside CJK): English and other spaced languages, by word.
Triggers on ``search_doc`` remove a document from all three in plain SQL when it is deleted,
so a connection without this module (a backup tool, the sqlite3 shell) can still delete rows.
On PostgreSQL ``search_doc.folded`` carries a ``pg_trgm`` GIN index and queries use LIKE.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from annotator.core import models
from annotator.core.fold import fold, grams, words

FTS_TABLES = ("search_tri", "search_words", "search_grams")
# ``pos`` packs the reading order into one indexed integer: series id, episode number, page
# index and region order, (bits, shift) each; values outside their bits wrap (ordering only).
POS_LAYOUT = (("e.series_id", 11, 52), ("e.number", 16, 36), ('p."index"', 16, 20), ('r."order"', 20, 0))
POS_SQL = "(" + " + ".join(f"(CAST(CASE WHEN {col} IS NULL OR {col} < 0 THEN 0 ELSE {col} END & {(1 << bits) - 1}"
                           f" AS BIGINT) << {shift})" for col, bits, shift in POS_LAYOUT) + ")"


def episode_pos_range(series_id: int, first: int, last: int) -> tuple[int, int] | None:
    """The ``pos`` values of episodes first..last of a series, or None if they do not fit."""
    (_, series_bits, series_shift), (_, ep_bits, ep_shift) = POS_LAYOUT[0], POS_LAYOUT[1]
    if series_id >= (1 << series_bits) or last >= (1 << ep_bits) - 1 or first < 0:
        return None
    base = series_id << series_shift
    return base + (first << ep_shift), base + ((last + 1) << ep_shift) - 1


SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_tri USING fts5(folded, content='search_doc', content_rowid='id',"
    " tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5(words, tokenize='ascii')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_grams USING fts5(grams, tokenize='ascii', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON search_doc BEGIN"
    " INSERT INTO search_tri(search_tri, rowid, folded) VALUES ('delete', old.id, old.folded);"
    " DELETE FROM search_words WHERE rowid = old.id;"
    " DELETE FROM search_grams WHERE rowid = old.id; END",
    "CREATE INDEX IF NOT EXISTS ix_search_doc_field_pos ON search_doc (field, pos, region_id)",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TABLE IF EXISTS search_tri",
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS search_grams",
    "DROP INDEX IF EXISTS ix_search_doc_field_pos",
)


def is_index_object(name: str) -> bool:
    """Objects this module creates outside the SQLModel metadata (for schema comparisons)."""
    return name.startswith(FTS_TABLES) or name == "ix_search_doc_field_pos"


def create_index_objects(conn: Connection) -> None:
    """Create the FTS5 tables and triggers (SQLite) or the trigram index (PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_search_doc_field_pos ON search_doc (field, pos, region_id)")
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_search_doc_trgm ON search_doc"
                                     " USING gin (folded gin_trgm_ops)")
        except Exception:  # noqa: BLE001 - no pg_trgm on this server: search still works, by scanning
            pass


def drop_index_objects(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            conn.exec_driver_sql(statement)


event.listen(models.SearchDoc.__table__, "after_create", lambda _t, conn, **_kw: create_index_objects(conn))


def uses_fts(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


# -- writing documents ----------------------------------------------------------------------


def _names(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _insert_fts(conn: Connection, rows: list[tuple[int, str]]) -> None:
    """Add documents (id, folded) to the word and gram tables (the trigram table reads content itself)."""
    tri = [{"id": i, "folded": f} for i, f in rows]
    word_rows = [{"id": i, "t": " ".join(w)} for i, f in rows if (w := words(f))]
    gram_rows = [{"id": i, "t": " ".join(g)} for i, f in rows if (g := grams(f))]
    if tri:
        conn.execute(text("INSERT INTO search_tri(rowid, folded) VALUES (:id, :folded)"), tri)
    if word_rows:
        conn.execute(text("INSERT INTO search_words(rowid, words) VALUES (:id, :t)"), word_rows)
    if gram_rows:
        conn.execute(text("INSERT INTO search_grams(rowid, grams) VALUES (:id, :t)"), gram_rows)


def _add_doc(conn: Connection, field: str, owner: str, owner_id: int, folded: str, pos_from_region: bool) -> None:
    if pos_from_region:
        row = conn.execute(text(
            f"INSERT INTO search_doc (field, {owner}, pos, folded) SELECT :field, r.id, {POS_SQL}, :folded"
            " FROM textregion r JOIN page p ON p.id = r.page_id LEFT JOIN episode e ON e.id = p.episode_id"
            " WHERE r.id = :owner RETURNING id"), {"field": field, "folded": folded, "owner": owner_id}).first()
    else:
        row = conn.execute(text(f"INSERT INTO search_doc (field, {owner}, pos, folded) VALUES (:field, :owner, 0,"
                                " :folded) RETURNING id"), {"field": field, "folded": folded, "owner": owner_id}).first()
    if row is not None and uses_fts(conn):
        _insert_fts(conn, [(row[0], folded)])


def _reindex_region(conn: Connection, region: models.TextRegion) -> None:
    conn.execute(text("DELETE FROM search_doc WHERE region_id = :id"), {"id": region.id})
    # Every region has a text document, even an empty one: it carries the reading-order key.
    _add_doc(conn, "text", "region_id", region.id, fold(region.display_text), True)
    if region.translation:
        _add_doc(conn, "translation", "region_id", region.id, fold(region.translation), True)


def _reindex_owner(conn: Connection, field: str, owner: str, owner_id: int, raw: str) -> None:
    conn.execute(text(f"DELETE FROM search_doc WHERE {owner} = :id"), {"id": owner_id})
    folded = fold(raw)
    if folded:
        _add_doc(conn, field, owner, owner_id, folded, False)


def _refresh_pos(conn: Connection, where: str, params: dict) -> None:
    conn.execute(text(
        f"UPDATE search_doc SET pos = (SELECT {POS_SQL} FROM textregion r JOIN page p ON p.id = r.page_id"
        " LEFT JOIN episode e ON e.id = p.episode_id WHERE r.id = search_doc.region_id)"
        f" WHERE region_id IN (SELECT r.id FROM textregion r JOIN page p ON p.id = r.page_id WHERE {where})"), params)


def _changed(session: Session, obj, *attrs: str) -> bool:
    from sqlalchemy import inspect

    state = inspect(obj)
    return any(state.attrs[a].history.has_changes() for a in attrs)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    touched = [o for o in list(session.new) + list(session.dirty) if o not in session.deleted]
    if not any(isinstance(o, (models.TextRegion, models.Coding, models.Character, models.Motif, models.Page,
                              models.Episode)) for o in touched):
        return
    conn = session.connection()
    for obj in touched:
        if isinstance(obj, models.TextRegion):
            _reindex_region(conn, obj)
        elif isinstance(obj, models.Coding):
            _reindex_owner(conn, "memo", "coding_id", obj.id, obj.memo)
        elif isinstance(obj, models.Character):
            _reindex_owner(conn, "character", "character_id", obj.id, _names(obj.name, obj.name_zh))
        elif isinstance(obj, models.Motif):
            _reindex_owner(conn, "motif", "motif_id", obj.id, _names(obj.name, obj.name_zh))
        elif isinstance(obj, models.Page) and obj not in session.new and _changed(session, obj, "index"):
            _refresh_pos(conn, "p.id = :id", {"id": obj.id})
        elif isinstance(obj, models.Episode) and obj not in session.new and _changed(session, obj, "number",
                                                                                     "series_id"):
            _refresh_pos(conn, "p.episode_id = :id", {"id": obj.id})


# -- rebuilding -----------------------------------------------------------------------------


def _chunks(rows: Iterable, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rebuild(conn: Connection, progress=None, chunk: int = 20000) -> int:
    """Rebuild every document and the FTS tables from the rows; returns the number of documents.

    The bulk path: used by the migration that introduced the index, after bulk loads that
    bypass the ORM, and by ``annotator search --rebuild``. Runs in the caller's transaction.
    """
    fts = uses_fts(conn)
    conn.exec_driver_sql("DELETE FROM search_doc")
    if fts:
        for table in FTS_TABLES:
            conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('delete-all')" if table == "search_tri"
                                 else f"DELETE FROM {table}")
    next_id = (conn.exec_driver_sql("SELECT max(id) FROM search_doc").scalar() or 0) + 1
    if fts:
        seq = conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'search_doc'").scalar()
        next_id = max(next_id, (seq or 0) + 1)
    total = conn.exec_driver_sql("SELECT count(*) FROM textregion").scalar() or 0
    sources = (
        ("region", conn.execute(text(
            f"SELECT r.id, r.text, r.ocr_text, r.translation, {POS_SQL} FROM textregion r"
            " JOIN page p ON p.id = r.page_id LEFT JOIN episode e ON e.id = p.episode_id ORDER BY r.id"))),
        ("coding", conn.execute(text("SELECT id, memo FROM coding WHERE memo <> ''"))),
        ("character", conn.execute(text("SELECT id, name, name_zh FROM character"))),
        ("motif", conn.execute(text("SELECT id, name, name_zh FROM motif"))),
    )
    done = 0
    count = 0
    for kind, result in sources:
        for rows in _chunks(result, chunk):
            docs = []
            for row in rows:
                if kind == "region":
                    shown = row[1] if row[1] is not None else (row[2] or "")
                    docs.append(("text", "region_id", row[0], row[4], fold(shown)))
                    if row[3]:
                        docs.append(("translation", "region_id", row[0], row[4], fold(row[3])))
                elif kind == "coding":
                    docs.append(("memo", "coding_id", row[0], 0, fold(row[1])))
                else:
                    docs.append((kind, f"{kind}_id", row[0], 0, fold(_names(row[1], row[2]))))
            docs = [d for d in docs if d[4] or d[0] == "text"]
            params = [{"id": next_id + i, "field": d[0], "owner": d[2], "pos": d[3], "folded": d[4]}
                      for i, d in enumerate(docs)]
            next_id += len(docs)
            for owner in {d[1] for d in docs}:
                subset = [p for p, d in zip(params, docs) if d[1] == owner]
                if fts:
                    conn.execute(text(f"INSERT INTO search_doc (id, field, {owner}, pos, folded)"
                                      " VALUES (:id, :field, :owner, :pos, :folded)"), subset)
                else:
                    conn.execute(text(f"INSERT INTO search_doc (field, {owner}, pos, folded)"
                                      " VALUES (:field, :owner, :pos, :folded)"), subset)
            if fts:
                _insert_fts(conn, [(p["id"], p["folded"]) for p in params])
            count += len(docs)
            if kind == "region":
                done += len(rows)
                if progress is not None:
                    progress(done, total, "search index")
    return count
