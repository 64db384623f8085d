"""The characters manager: who is who, a portrait cropped from a panel, and where they appear."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout,
)

from annotator.core import annotate, coding
from annotator.gui import commands
from annotator.gui.changes import Change, Kind
from annotator.gui.context import AppContext
from annotator.gui.editor import PageEditor
from annotator.gui.inspector import CommitEdit
from annotator.gui.models.characters_model import CharactersModel
from annotator.vision.images import load_image

FIELDS = ("name", "name_zh", "role", "affiliation")
PORTRAIT = 120


def crop_portrait(path: str, bbox) -> QImage:
    """Runs on a worker: a square-ish thumbnail of a panel region."""
    x, y, w, h = bbox
    image = load_image(path).crop((x, y, x + w, y + h))
    image.thumbnail((PORTRAIT * 2, PORTRAIT * 2))
    data = image.convert("RGBA").tobytes("raw", "BGRA")
    return QImage(data, image.width, image.height, image.width * 4, QImage.Format.Format_ARGB32).copy()


class CharactersDialog(QDialog):
    def __init__(self, ctx: AppContext, editor: PageEditor, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Characters")
        self.resize(760, 520)
        self.ctx, self.editor = ctx, editor
        self.model = CharactersModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.fields = {name: QLineEdit() for name in FIELDS}
        self.description = CommitEdit(height=90)
        self.portrait = QLabel("no portrait")
        self.portrait.setFixedSize(PORTRAIT, PORTRAIT)
        self.portrait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.appearances = QListWidget()
        new = QPushButton("New character")
        set_portrait = QPushButton("Portrait from selected panel")
        form = QFormLayout()
        for name, label in zip(FIELDS, ("Name", "中文名", "Role", "Affiliation")):
            form.addRow(label, self.fields[name])
            self.fields[name].editingFinished.connect(lambda n=name: self._commit(n, self.fields[n].text()))
        form.addRow("Description", self.description)
        form.addRow("Portrait", self.portrait)
        form.addRow("", set_portrait)
        form.addRow("Appearances", self.appearances)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(new)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(form, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(close)
        self.description.committed.connect(lambda text: self._commit("description", text))
        new.clicked.connect(self.new_character)
        set_portrait.clicked.connect(self.portrait_from_selection)
        self.appearances.itemDoubleClicked.connect(self._jump)
        self.list.selectionModel().currentChanged.connect(lambda *_: self.show_current())
        ctx.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        current = self.current_id()
        self.model.load(coding.characters(self.ctx.project))
        row = self.model.row_of(current) if current is not None else 0
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(max(row, 0)))
        self.show_current()

    def _on_changed(self, change: Change) -> None:
        if change.kind in (Kind.CHARACTER, Kind.APPEARANCE, Kind.PANEL):
            self.reload()

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(CharactersModel.ID_ROLE) if index.isValid() else None

    def current(self):
        row = self.model.row_of(self.current_id()) if self.current_id() is not None else -1
        return self.model.rows[row] if row >= 0 else None

    def show_current(self) -> None:
        c = self.current()
        for name, edit in self.fields.items():
            edit.setText(getattr(c, name) if c else "")
        self.description.set_value(c.description if c else "")
        self.appearances.clear()
        if c is None:
            return
        for a in coding.appearances_of(self.ctx.project, c.id):
            item = QListWidgetItem(
                f"Episode {a['episode_number']} · page {a['page_index'] + 1} · panel {a['panel_order'] + 1}")
            item.setData(Qt.ItemDataRole.UserRole, (a["page_id"], a["panel_id"]))
            self.appearances.addItem(item)
        self._show_portrait(c)

    def _show_portrait(self, c) -> None:
        self.portrait.setPixmap(QPixmap())
        self.portrait.setText("no portrait")
        if not c.portrait:
            return
        page = annotate.page_data(self.ctx.project, c.portrait["page_id"]).page
        path = str(self.ctx.project.media_file(page.media_path))

        def done(image: QImage, character_id=c.id) -> None:
            if self.current_id() == character_id:
                self.portrait.setPixmap(QPixmap.fromImage(image).scaled(
                    PORTRAIT, PORTRAIT, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

        self.ctx.jobs.run_op(lambda _c: crop_portrait(path, c.portrait["bbox"]), done, visible=False)

    def _commit(self, field: str, value) -> None:
        c = self.current()
        if c is None or getattr(c, field) == value or (field == "name" and not value.strip()):
            return
        self.ctx.undo.push(commands.Update(self.ctx, f"Edit character {field}", "character",
                                           coding.update_character, c.id, {field: value}))

    def new_character(self, name: str = "New character") -> int | None:
        cmd = commands.Create(self.ctx, "New character", "character",
                              lambda: coding.create_character(self.ctx.project, name))
        self.ctx.undo.push(cmd)
        if cmd.row_id:
            self.list.setCurrentIndex(self.model.index(self.model.row_of(cmd.row_id)))
            self.fields["name"].setFocus()
            self.fields["name"].selectAll()
        return cmd.row_id

    def portrait_from_selection(self) -> None:
        c = self.current()
        panels = [k[1] for k in self.editor.selected() if k[0] == "panel"]
        if c is None or not panels:
            self.ctx.status.emit("Select a panel on the page first, then choose the character here.")
            return
        panel = self.editor.panel(panels[0])
        self._commit("portrait", {"page_id": panel.page_id, "bbox": list(panel.bbox)})

    def _jump(self, item: QListWidgetItem) -> None:
        page_id, panel_id = item.data(Qt.ItemDataRole.UserRole)
        self.editor.open_page(page_id)
        self.editor.view.select([("panel", panel_id)])
