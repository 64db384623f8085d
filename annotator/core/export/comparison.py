"""Comparison tables for the series summary, computed from the gathered episodes.

The figures come from the same transcript model as the episode sections, so the tables and
the sections cannot disagree. ``annotator.core.compare`` offers the same tables for the
comparison window; the summary keeps its own small version so it needs no second pass over
the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from annotator.core.export.episode_data import Codebook, Episode


def counts(ep: Episode) -> dict:
    return {
        "pages": len(ep.pages),
        "panels": sum(len(p.panels) for p in ep.pages),
        "regions": sum(1 for _ in ep.regions()),
        "codings": sum(1 for _ in ep.all_tags()),
    }


def motif_matrix(book: Codebook, episodes: list[Episode]) -> dict:
    """Codings per motif and episode, motifs in codebook order; only motifs used somewhere."""
    per_episode = {ep.id: Counter(t.motif_id for t in ep.all_tags()) for ep in episodes}
    rows = []
    for motif in book.tree_order():
        row = {ep.id: per_episode[ep.id][motif.id] for ep in episodes}
        total = sum(row.values())
        if total:
            rows.append({"id": motif.id, "path": book.path(motif.id), "name_zh": motif.name_zh,
                         "colour": motif.colour, "counts": row, "total": total})
    top = max((n for r in rows for n in r["counts"].values()), default=0)
    return {"motifs": rows, "max": top}


def speech_share(episodes: list[Episode]) -> dict:
    """Each speaker's share of the attributed speech (by characters of text), per episode and overall."""
    chars: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, tuple[str, str]] = {}
    for ep in episodes:
        for _page, _panel, region in ep.regions():
            if region.speaker_id is not None:
                chars[region.speaker_id][ep.id] += len(region.display_text)
                names[region.speaker_id] = (region.speaker, region.speaker_zh)
    totals = Counter()
    for per in chars.values():
        totals.update(per)
    grand = sum(totals.values())
    rows = []
    for cid, per in chars.items():
        rows.append({"id": cid, "name": names[cid][0], "name_zh": names[cid][1],
                     "shares": {ep.id: (per[ep.id] / totals[ep.id]) if totals[ep.id] else 0.0 for ep in episodes},
                     "total": sum(per.values()) / grand if grand else 0.0})
    rows.sort(key=lambda r: (-r["total"], r["name"], r["id"]))
    return {"characters": rows}
