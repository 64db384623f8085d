"""What schema comparisons leave out: the search index's FTS5 tables, triggers and index,
which ``core.search_index`` creates by hand because SQLAlchemy cannot describe them."""

from annotator.core.search_index import is_index_object


def include_name(name, type_, _parent_names) -> bool:
    return not (name and type_ in ("table", "index") and is_index_object(name))
