"""The page being edited: loads it into the view and turns requests into undo commands.

Main window, inspector and codebook all act on "the selection on the current page" through
this object, so the rules (what Delete removes, what a motif key tags) live in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core import annotate, coding
from annotator.core.annotate import PageData
from annotator.gui import commands
from annotator.gui.changes import Change
from annotator.gui.canvas.tiles import TileCache, decode_tiles
from annotator.gui.canvas.view import PageView
from annotator.gui.context import AppContext

TARGET_KIND = {"panel": "panel", "region": "text_region", "page": "page"}


class PageEditor(QObject):
    pageShown = Signal(int)
    imageShown = Signal(int)
    selectionChanged = Signal(list)

    def __init__(self, ctx: AppContext, view: PageView, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view = view
        self.data: PageData | None = None
        self.tiles = TileCache()
        self._decode = None
        ctx.changed.connect(self._on_changed)
        view.selectionChanged.connect(self.selectionChanged)
        view.geometryEdited.connect(self._geometry_edited)
        view.panelDrawn.connect(self.add_panel)
        view.regionDrawn.connect(self.add_region)
        view.splitDrawn.connect(self.split_panel)
        view.panelDropped.connect(self.drop_panel_on)

    @property
    def page_id(self) -> int | None:
        return self.data.page.id if self.data else None

    # -- showing pages ----------------------------------------------------------------------

    def open_page(self, page_id: int) -> None:
        """Show overlays at once; the image follows from a worker (or the cache)."""
        if page_id == self.page_id:
            return
        self.data = annotate.page_data(self.ctx.project, page_id)
        self.view.show_page(self.data)
        self.pageShown.emit(page_id)
        path = str(self.ctx.project.media_file(self.data.page.media_path))
        cached = self.tiles.get(path)
        if cached is not None:
            self._show_image(page_id, path, cached)
            return
        if self._decode is not None:
            self._decode.control.cancel()

        def decode(control):
            return None if control.cancelled() else decode_tiles(path)

        self._decode = self.ctx.jobs.run_op(
            decode, lambda image: self._show_image(page_id, path, image), visible=False, label="Loading page")

    def _show_image(self, page_id: int, path: str, image) -> None:
        if image is None:
            return
        self.tiles.put(path, image)
        if page_id == self.page_id:
            self.view.set_image(page_id, image)
            self.imageShown.emit(page_id)

    def reload(self) -> None:
        if self.data is not None:
            try:
                self.data = annotate.page_data(self.ctx.project, self.data.page.id)
            except annotate.NotFound:  # its episode was deleted (undo brings it back: open it again)
                self.data = None
                self.view.clear()
                return
            self.view.sync(self.data)

    def _on_changed(self, change: Change) -> None:
        if change.on_page(self.page_id):
            self.reload()

    # -- selection --------------------------------------------------------------------------

    def selected(self) -> list[tuple[str, int]]:
        return self.view.selected()

    def target(self) -> tuple[str, int] | None:
        """What a motif key tags: the selected panel or region, else the page."""
        chosen = self.selected()
        if chosen:
            return (TARGET_KIND[chosen[0][0]], chosen[0][1])
        return ("page", self.page_id) if self.page_id else None

    def step_region(self, step: int) -> None:
        """Tab / Shift+Tab: the next text region in reading order, wrapping round."""
        if not self.data or not self.data.regions:
            return
        ids = [r.id for r in self.data.regions]
        current = [k[1] for k in self.selected() if k[0] == "region"]
        index = (ids.index(current[0]) + step) % len(ids) if current else (0 if step > 0 else len(ids) - 1)
        self.view.select([("region", ids[index])])

    def region(self, region_id: int):
        return next((r for r in self.data.regions if r.id == region_id), None) if self.data else None

    def panel(self, panel_id: int):
        return next((p for p in self.data.panels if p.id == panel_id), None) if self.data else None

    # -- edits ------------------------------------------------------------------------------

    def push(self, command: commands.Edit) -> commands.Edit:
        self.ctx.undo.push(command)
        return command

    def add_panel(self, outline: list) -> None:
        page = self.page_id
        cmd = self.push(commands.Create(self.ctx, "Draw panel", "panel",
                                        lambda: annotate.add_panel(self.ctx.project, page, outline), page))
        if cmd.row_id:
            self.view.select([("panel", cmd.row_id)], centre=False)

    def add_region(self, outline: list) -> None:
        page = self.page_id
        cmd = self.push(commands.Create(self.ctx, "Draw text region", "region",
                                        lambda: annotate.add_region(self.ctx.project, page, outline), page))
        if cmd.row_id:
            self.view.select([("region", cmd.row_id)], centre=False)

    def _geometry_edited(self, kind: str, row_id: int, _before: list, after: list, drag_id: int) -> None:
        # the service reports what it replaced; the view's copy of the start outline is not needed
        self.push(commands.SetGeometry(self.ctx, kind, row_id, self.page_id, after, drag_id))

    def split_panel(self, panel_id: int, a, b) -> None:
        cmd = self.push(commands.SplitPanel(self.ctx, panel_id, self.page_id, a, b))
        if cmd.new_ids:
            self.view.select([("panel", i) for i in cmd.new_ids], centre=False)

    def merge_selected(self) -> None:
        ids = [k[1] for k in self.selected() if k[0] == "panel"]
        if len(ids) < 2:
            self.ctx.status.emit("Select two or more panels to merge (Ctrl+click).")
            return
        cmd = self.push(commands.MergePanels(self.ctx, ids, self.page_id))
        if cmd.result:
            self.view.select([("panel", cmd.result["id"])], centre=False)

    def move_selected_panel(self, delta: int) -> None:
        """Move the selected panel earlier or later in reading order."""
        chosen = [k[1] for k in self.selected() if k[0] == "panel"]
        if not chosen or not self.data:
            return
        order = [p.id for p in self.data.panels]
        self._move_panel(chosen[0], order.index(chosen[0]) + delta)

    def drop_panel_on(self, panel_id: int, target_id: int) -> None:
        """A number disc dropped on another panel: the panel takes that panel's place in reading order."""
        order = [p.id for p in self.data.panels] if self.data else []
        if panel_id in order and target_id in order:
            self._move_panel(panel_id, order.index(target_id))

    def _move_panel(self, panel_id: int, index: int) -> None:
        order = [p.id for p in self.data.panels]
        i, j = order.index(panel_id), max(0, min(len(order) - 1, index))
        if i == j:
            return
        order.insert(j, order.pop(i))
        self.push(commands.ReorderPanels(self.ctx, self.page_id, order))
        self.view.select([("panel", panel_id)], centre=False)

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        self.ctx.undo.beginMacro(f"Delete {len(chosen)} item(s)")
        for kind, row_id in sorted(chosen, key=lambda k: k[0] != "region"):  # regions before their panels
            self.push(commands.Delete(self.ctx, f"Delete {kind}", kind, row_id, self.page_id))
        self.ctx.undo.endMacro()

    def update_region(self, region_id: int, label: str, **fields) -> None:
        region = self.region(region_id)
        if region is None or all(getattr(region, k) == v for k, v in fields.items()):
            return
        self.push(commands.Update(self.ctx, label, "region", annotate.update_region, region_id, fields, self.page_id))

    def accept_reading(self) -> None:
        """'A': the selected region's OCR reading is right; mark it checked and go to the next one."""
        chosen = [self.region(k[1]) for k in self.selected() if k[0] == "region"]
        todo = [r for r in chosen if r is not None and r.text is None and r.ocr_text]
        if not chosen:
            self.ctx.status.emit("Select a text region first (Tab walks through them).")
            return
        if todo:
            self.ctx.undo.beginMacro("Accept OCR reading")
            for region in todo:
                self.update_region(region.id, "Accept OCR reading", text=region.ocr_text)
            self.ctx.undo.endMacro()
        self.step_region(1)

    def set_panel_memo(self, panel_id: int, memo: str) -> None:
        panel = self.panel(panel_id)
        if panel is not None and panel.memo != memo:
            self.push(commands.Update(self.ctx, "Edit panel memo", "panel", annotate.update_panel, panel_id,
                                      {"memo": memo}, self.page_id))

    def toggle_motif(self, motif_id: int, target: tuple[str, int] | None = None) -> int | None:
        """Tag the target with a motif, or untag it if this coder already tagged it; returns the new coding id.

        Other coders' codings of the same motif are theirs and are left alone.
        """
        target = target or self.target()
        if target is None:
            return None
        coder = self.ctx.coder_id()
        existing = [c for c in coding.codings_for(self.ctx.project, target)
                    if c.motif_id == motif_id and c.coder_id == coder]
        if existing:
            self.push(commands.Delete(self.ctx, "Remove motif", "coding", existing[0].id, self.page_id))
            return None
        cmd = commands.Create(self.ctx, "Tag with motif", "coding",
                              lambda: coding.add_coding(self.ctx.project, motif_id, target, coder), self.page_id)
        self.push(cmd)
        return cmd.row_id

    def set_coding_memo(self, coding_id: int, memo: str) -> None:
        self.push(commands.SetCodingMemo(self.ctx, coding_id, self.page_id, memo))

    def add_appearance(self, character_id: int, panel_id: int) -> None:
        coder = self.ctx.coder_id()
        self.push(commands.Create(self.ctx, "Add character to panel", "appearance",
                                  lambda: coding.add_appearance(self.ctx.project, character_id, panel_id, coder),
                                  self.page_id))

    def remove_appearance(self, appearance_id: int) -> None:
        self.push(commands.Delete(self.ctx, "Remove character from panel", "appearance", appearance_id, self.page_id))
