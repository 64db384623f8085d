"""What segmentation and OCR re-runs share: drop untouched automatic rows, keep the rest in order."""

from __future__ import annotations

from sqlmodel import select


def drop_untouched(session, model, page_id: int, keep_ids: set[int]) -> tuple[list, int]:
    """Delete a page's rows not in ``keep_ids``; return the kept rows and how many went."""
    existing = session.exec(select(model).where(model.page_id == page_id)).all()
    kept = [row for row in existing if row.id in keep_ids]
    removed = 0
    for row in existing:
        if row.id not in keep_ids:
            session.delete(row)
            removed += 1
    session.flush()
    return kept, removed


def renumber(session, sequence: list, kept_unplaced: list) -> list:
    """Final order: the new sequence, with kept rows nobody matched back where they were."""
    for row in sorted(kept_unplaced, key=lambda r: r.order):
        sequence.insert(min(row.order, len(sequence)), row)
    for position, row in enumerate(sequence):
        row.order = position
        session.add(row)
    return sequence
