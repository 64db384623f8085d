"""The codebook dock: search, tag, and edit the motif tree (every change undoable)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDockWidget, QHBoxLayout, QHeaderView, QInputDialog, QLineEdit, QToolButton, QTreeView,
    QVBoxLayout, QWidget,
)

from annotator.core import coding
from annotator.gui import commands
from annotator.gui.changes import COUNTED, Change, Kind
from annotator.gui.context import AppContext
from annotator.gui.dialogs import MotifDialog
from annotator.gui.editor import PageEditor
from annotator.gui.models.codebook_model import CodebookModel
from annotator.gui.models.tree import KEY_ROLE
from annotator.gui.wrapping import WrapDelegate


class CodebookDock(QDockWidget):
    tagged = Signal(int)
    codesChanged = Signal()  # motif names or number keys may have changed (menus name them)

    def __init__(self, ctx: AppContext, editor: PageEditor, parent=None):
        super().__init__("Codebook", parent)
        self.setObjectName("codebook")
        self.ctx, self.editor = ctx, editor
        self.model = CodebookModel(self)
        self.search = QLineEdit(placeholderText="Search motifs (English, 中文, keywords)…")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.wrap = WrapDelegate(self.tree)  # long motif names wrap onto a second line instead of being cut off
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.model.moveRequested.connect(self.move_motif)
        self.model.moveRefused.connect(ctx.status.emit)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QHBoxLayout()
        for text, tip, slot in (
            ("Tag", "Tag the selected panel or region (double-click, or the motif's number key)", self.tag_current),
            ("New", "New top-level motif", lambda: self.new_motif(None)),
            ("Child", "New motif under the selected one", self.new_child),
            ("Edit", "Rename, recolour, set shortcut", self.edit_current),
            ("Move", "Move under another motif (or drag it in the tree)", self.move_current),
            ("Merge", "Merge into another motif (codings move)", self.merge_current),
        ):
            button = QToolButton(text=text, toolTip=tip)
            button.clicked.connect(lambda *_, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.search.textChanged.connect(self._filter)
        self.tree.doubleClicked.connect(lambda _i: self.tag_current())
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(30)
        self._pending.timeout.connect(self.refresh)
        ctx.changed.connect(self._on_changed)
        self.refresh()
        self.model.modelReset.connect(self.codesChanged)
        self.model.dataChanged.connect(lambda *_: self.codesChanged.emit())

    def refresh(self) -> None:
        current = self.current_motif()
        self.model.load(coding.motifs(self.ctx.project), coding.motif_counts(self.ctx.project), self.search.text())
        self.tree.expandAll()
        if current is not None:
            self.select_motif(current)

    def _on_changed(self, change: Change) -> None:
        if change.kind is Kind.MOTIF:
            self.refresh()  # at once: the tree itself changed and the user is looking at it
        elif change.kind in COUNTED:
            self._pending.start()  # only counts changed; one refresh per burst of edits

    def _filter(self, _text: str) -> None:
        """Searching rebuilds the tree with only matches and their parents (the codebook is small)."""
        self.refresh()

    def current_motif(self) -> int | None:
        index = self.tree.currentIndex()
        return index.data(KEY_ROLE)[1] if index.isValid() else None

    def select_motif(self, motif_id: int) -> None:
        index = self.model.find("motif", motif_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def tag_current(self) -> None:
        motif = self.current_motif()
        if motif is not None:
            self.editor.toggle_motif(motif)
            self.tagged.emit(motif)

    def shortcut_name(self, key: str) -> str:
        """What number key ``key`` tags with, for menus and the F1 list."""
        motif = self.model.by_shortcut(key)
        if motif is None:
            return f"Tag with motif {key} (no motif has this key yet)"
        name = f"{motif.name_zh} {motif.name}".strip() if motif.name_zh else motif.name
        return f"Tag with “{name}”"

    def tag_shortcut(self, key: str) -> None:
        motif = self.model.by_shortcut(key)
        if motif is None:
            self.ctx.status.emit(f"No motif has the shortcut {key}; set one with Edit in the codebook.")
            return
        self.editor.toggle_motif(motif.id)

    # -- editing the tree -------------------------------------------------------------------

    def new_motif(self, parent_id: int | None, fields: dict | None = None) -> int | None:
        if fields is None:
            dialog = MotifDialog(self)
            if not dialog.exec():
                return None
            fields = dialog.values()
        name = fields.pop("name")
        cmd = commands.Create(self.ctx, f"New motif {name}", "motif",
                              lambda: coding.create_motif(self.ctx.project, name, parent_id, **fields))
        self.ctx.undo.push(cmd)
        if cmd.row_id:
            self.select_motif(cmd.row_id)
        return cmd.row_id

    def new_child(self) -> None:
        if self.current_motif() is not None:
            self.new_motif(self.current_motif())

    def edit_current(self) -> None:
        motif = self.model.motif(self.current_motif()) if self.current_motif() else None
        if motif is None:
            return
        dialog = MotifDialog(self, motif)
        if dialog.exec():
            changed = {k: v for k, v in dialog.values().items() if getattr(motif, k) != v}
            if changed:
                self.ctx.undo.push(commands.Update(self.ctx, f"Edit motif {motif.name}", "motif",
                                                   coding.update_motif, motif.id, changed))

    def _choose(self, title: str, exclude: int, allow_top: bool) -> tuple[bool, int | None]:
        choices = [("(top level)", None)] if allow_top else []
        for m in coding.motifs(self.ctx.project):
            if m.id != exclude:
                choices.append((f"{m.name_zh} {m.name}".strip(), m.id))
        label, ok = QInputDialog.getItem(self, title, "Motif:", [c[0] for c in choices], 0, False)
        return ok, dict(choices).get(label)

    def move_current(self) -> None:
        motif = self.current_motif()
        if motif is not None:
            ok, parent = self._choose("Move motif under…", motif, True)
            if ok:
                self.move_motif(motif, parent)

    def move_motif(self, motif_id: int, parent_id: int | None, position: int | None = None) -> None:
        self.ctx.undo.push(commands.MoveMotif(self.ctx, motif_id, parent_id, position))
        self.select_motif(motif_id)

    def merge_current(self) -> None:
        motif = self.current_motif()
        if motif is not None:
            ok, target = self._choose("Merge motif into…", motif, False)
            if ok and target is not None:
                self.ctx.undo.push(commands.MergeMotifs(self.ctx, motif, target))
