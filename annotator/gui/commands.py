"""Undo commands: each edit is one core-service call, durable the moment it runs.

Commands hold ids and plain before/after values, never widgets, so an undo after the page was
closed and reopened still works. Deleting returns a snapshot and undoing restores the same
ids, so later commands that name those ids stay valid. A redo that fails (the row was deleted
by another coder, a split line missing its panel) reports why and drops out of the stack.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QUndoCommand

from annotator import geometry
from annotator.core import annotate, coding, episodes, revisions
from annotator.core.annotate import Conflict, NotFound

GEOMETRY_ID = 1001

DELETERS: dict[str, tuple[Callable, Callable]] = {
    "panel": (annotate.delete_panel, annotate.restore),
    "region": (annotate.delete_region, annotate.restore),
    "coding": (coding.delete_coding, annotate.restore),
    "appearance": (coding.delete_appearance, annotate.restore),
    "character": (coding.delete_character, coding.restore_character),
    "motif": (coding.delete_motif, annotate.restore),
}


class Edit(QUndoCommand):
    """Runs ``apply``/``revert`` against the project, then tells the views what changed."""

    kind = "panel"

    def __init__(self, ctx, text: str, page_id: int | None = None):
        super().__init__(text)
        self.ctx = ctx
        self.project = ctx.project
        self.page_id = page_id

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Callable[[], None]) -> None:
        try:
            # Revisions of the human layer name the window's coder; an undo puts an older value back.
            with revisions.acting(self.ctx.coder_name, "reverted" if step == self.revert else None):
                step()
        except (NotFound, Conflict, ValueError) as exc:
            self.ctx.status.emit(f"{self.text()}: {exc}")
            self.setObsolete(True)
        finally:
            self.ctx.notify(self.kind, self.page_id)


class Create(Edit):
    """Adding a row: the first redo creates it, undo deletes it (keeping a snapshot),
    later redos restore the snapshot so the row keeps its id."""

    def __init__(self, ctx, text: str, kind: str, create: Callable[[], int], page_id: int | None = None):
        super().__init__(ctx, text, page_id)
        self.kind = kind
        self.create = create
        self.row_id: int | None = None
        self.snapshot: dict | None = None

    def apply(self) -> None:
        if self.snapshot is None:
            self.row_id = self.create()
        else:
            DELETERS[self.kind][1](self.project, self.snapshot)

    def revert(self) -> None:
        self.snapshot = DELETERS[self.kind][0](self.project, self.row_id)


class Delete(Edit):
    def __init__(self, ctx, text: str, kind: str, row_id: int, page_id: int | None = None):
        super().__init__(ctx, text, page_id)
        self.kind = kind
        self.row_id = row_id
        self.snapshot: dict | None = None

    def apply(self) -> None:
        self.snapshot = DELETERS[self.kind][0](self.project, self.row_id)

    def revert(self) -> None:
        DELETERS[self.kind][1](self.project, self.snapshot)


class DeleteEpisode(Edit):
    """An episode with all its pages and annotations; undo restores every row under its old id."""

    kind = "library"

    def __init__(self, ctx, episode_id: int):
        super().__init__(ctx, "Delete episode")
        self.episode_id = episode_id
        self.snapshot: dict | None = None

    def apply(self) -> None:
        self.snapshot = episodes.delete_episode(self.project, self.episode_id)

    def revert(self) -> None:
        episodes.restore_episode(self.project, self.snapshot)


UPDATERS: dict[str, Callable[..., dict]] = {"panel": annotate.update_panel, "region": annotate.update_region}


class SetGeometry(Edit):
    """A moved vertex, region or box corner; every step of one drag merges into one command.

    Like ``Update``: the service returns what it replaced (for a panel also its ``source``, so
    undoing a drag on an automatic panel leaves it automatic), and undo writes that back.
    """

    def __init__(self, ctx, kind: str, row_id: int, page_id: int, after: list, drag_id: int):
        super().__init__(ctx, f"Move {'panel vertex' if kind == 'panel' else 'text region'}", page_id)
        self.kind, self.row_id, self.after, self.drag_id = kind, row_id, after, drag_id
        self.before: dict | None = None

    def id(self) -> int:
        return GEOMETRY_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetGeometry) or (other.kind, other.row_id, other.drag_id) != (
            self.kind, self.row_id, self.drag_id
        ):
            return False
        self.after = other.after  # this command's before stays: the state the drag started from
        return True

    def apply(self) -> None:
        before = UPDATERS[self.kind](self.project, self.row_id, polygon=self.after)
        if self.before is None:
            self.before = before

    def revert(self) -> None:
        UPDATERS[self.kind](self.project, self.row_id, **self.before)


class SplitPanel(Edit):
    def __init__(self, ctx, panel_id: int, page_id: int, a, b):
        super().__init__(ctx, "Split panel", page_id)
        self.panel_id, self.a, self.b = panel_id, tuple(a), tuple(b)
        self.result: dict | None = None
        self.second: dict | None = None

    def apply(self) -> None:
        if self.second is None:
            self.result = annotate.split_panel(self.project, self.panel_id, self.a, self.b)
        else:
            first, _ = geometry.split(self.result["before"]["polygon"], self.a, self.b)
            annotate.set_panel_polygon(self.project, self.panel_id, first)
            annotate.restore(self.project, self.second)

    def revert(self) -> None:
        self.second = annotate.delete_panel(self.project, self.result["ids"][1])
        annotate.unsplit_panel(self.project, self.result)

    @property
    def new_ids(self) -> list[int]:
        return self.result["ids"] if self.result else []


class MergePanels(Edit):
    def __init__(self, ctx, panel_ids: list[int], page_id: int):
        super().__init__(ctx, f"Merge {len(panel_ids)} panels", page_id)
        self.panel_ids = list(panel_ids)
        self.result: dict | None = None

    def apply(self) -> None:
        self.result = annotate.merge_panels(self.project, self.panel_ids)

    def revert(self) -> None:
        annotate.unmerge_panels(self.project, self.result)


class ReorderPanels(Edit):
    def __init__(self, ctx, page_id: int, order: list[int]):
        super().__init__(ctx, "Reorder panels", page_id)
        self.order = list(order)
        self.before: list[int] = []

    def apply(self) -> None:
        self.before = annotate.reorder_panels(self.project, self.page_id, self.order)

    def revert(self) -> None:
        annotate.reorder_panels(self.project, self.page_id, self.before)


class Update(Edit):
    """Changing fields of one row through a service that returns the previous values."""

    def __init__(self, ctx, text: str, kind: str, update: Callable[..., dict], row_id: int, fields: dict[str, Any],
                 page_id: int | None = None):
        super().__init__(ctx, text, page_id)
        self.kind, self.update, self.row_id, self.after = kind, update, row_id, dict(fields)
        self.before: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = self.update(self.project, self.row_id, **self.after)

    def revert(self) -> None:
        self.update(self.project, self.row_id, **self.before)


class SetCodingMemo(Edit):
    kind = "coding"

    def __init__(self, ctx, coding_id: int, page_id: int | None, memo: str):
        super().__init__(ctx, "Edit coding memo", page_id)
        self.coding_id, self.after, self.before = coding_id, memo, ""

    def apply(self) -> None:
        self.before = coding.update_coding(self.project, self.coding_id, self.after)

    def revert(self) -> None:
        coding.update_coding(self.project, self.coding_id, self.before)


class MoveMotif(Edit):
    kind = "motif"

    def __init__(self, ctx, motif_id: int, parent_id: int | None, position: int | None = None):
        super().__init__(ctx, "Move motif")
        self.motif_id, self.parent_id, self.position = motif_id, parent_id, position
        self.before: tuple = (None, 0)

    def apply(self) -> None:
        self.before = coding.move_motif(self.project, self.motif_id, self.parent_id, self.position)

    def revert(self) -> None:
        coding.move_motif(self.project, self.motif_id, *self.before)


class MergeMotifs(Edit):
    kind = "motif"

    def __init__(self, ctx, source_id: int, target_id: int):
        super().__init__(ctx, "Merge motifs")
        self.source_id, self.target_id = source_id, target_id
        self.undo_data: dict | None = None

    def apply(self) -> None:
        self.undo_data = coding.merge_motifs(self.project, self.source_id, self.target_id)

    def revert(self) -> None:
        coding.unmerge_motifs(self.project, self.undo_data)
