"""The inspector: fields of the selected text region or panel.

Text fields commit when they lose focus or on Ctrl+Enter (one undo step per edit, not per
keystroke); lists and combo boxes commit at once. Every commit goes through the page editor,
so it is an undo command written to the database straight away.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDockWidget, QFormLayout, QHBoxLayout, QInputDialog, QLabel, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QStackedWidget, QTextEdit, QVBoxLayout, QWidget,
)

from annotator.core import coding, gui_queries
from annotator.core.models import REGION_KINDS
from annotator.gui import commands
from annotator.gui.context import AppContext
from annotator.gui.editor import PageEditor
from annotator.gui.speaker_box import SuggestionBox

LANGS = ("zh", "en", "zh-Hant", "ja", "ko", "other")

class CommitEdit(QPlainTextEdit):
    """A text box that reports its text once editing is finished, not on every key.

    Ctrl+Enter and Esc finish the edit and emit ``finished`` so the window can hand focus
    back to the page; while nothing is being typed, Ctrl+Z / Ctrl+Shift+Z are left to the
    document's undo stack instead of the box's own.
    """

    committed = Signal(str)
    finished = Signal()

    def __init__(self, parent=None, height: int = 70):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(height)

    def set_value(self, text: str) -> None:
        if self.hasFocus() and self.document().isModified():
            return  # the user is typing: a refresh (e.g. another coder's edit) must not wipe it
        self.setPlainText(text)
        self.document().setModified(False)

    def focusOutEvent(self, event) -> None:
        self.commit()
        super().focusOutEvent(event)

    def event(self, event) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and not self.document().isModified()
                and (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
                     or event.keyCombination().toCombined() == QKeySequence("Ctrl+Shift+Z")[0].toCombined())):
            event.ignore()  # not overridden: the window's Undo/Redo actions get the key
            return False
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier) or event.key() == Qt.Key.Key_Escape:
            self.commit()
            self.finished.emit()
            return
        super().keyPressEvent(event)

    def commit(self) -> None:
        if self.document().isModified():
            self.document().setModified(False)
            self.committed.emit(self.toPlainText())

def swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)

class CodingsBox(QWidget):
    """Motifs on the current target, each with its memo."""

    def __init__(self, ctx: AppContext, editor: PageEditor, parent=None):
        super().__init__(parent)
        self.ctx, self.editor = ctx, editor
        self.target: tuple[str, int] | None = None
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.list.setWordWrap(True)  # long motif names wrap instead of being cut off
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.memo = CommitEdit(height=50)
        self.memo.setPlaceholderText("Memo on the selected coding")
        self.remove = QPushButton("Remove motif")
        self.coders = QComboBox()  # whose codings to show: a team compares its coders here
        self.coders.setToolTip("Show every coder's motifs, only yours, one coder's, or only where coders differ")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.coders)
        layout.addWidget(self.list)
        layout.addWidget(self.memo)
        layout.addWidget(self.remove)
        self.list.currentRowChanged.connect(self._current)
        self.memo.committed.connect(self._memo)
        self.remove.clicked.connect(self._remove)
        self.coders.activated.connect(lambda _i: self.show_target(self.target))

    def _fill_coders(self, names: dict[int, str]) -> None:
        chosen = self.coders.currentData()
        self.coders.blockSignals(True)
        self.coders.clear()
        for label, data in [("All coders", "all"), ("Only mine", "mine"), ("Where coders differ", "differ")] + [
                (f"Only {name}", cid) for cid, name in sorted(names.items(), key=lambda kv: kv[1])]:
            self.coders.addItem(label, data)
        index = self.coders.findData(chosen if chosen is not None else "all")
        self.coders.setCurrentIndex(max(0, index))
        self.coders.blockSignals(False)

    def _shown(self, rows: list) -> list:
        """The codings the coder filter lets through."""
        chosen = self.coders.currentData() or "all"
        if chosen == "all":
            return rows
        if chosen == "mine":
            return [r for r in rows if r.coder_id == self.ctx.coder_id()]
        if chosen == "differ":  # motifs that not every coder of this target applied
            everyone = {r.coder_id for r in rows}
            by_motif: dict[int, set] = {}
            for r in rows:
                by_motif.setdefault(r.motif_id, set()).add(r.coder_id)
            return [r for r in rows if by_motif[r.motif_id] != everyone]
        return [r for r in rows if r.coder_id == chosen]

    def show_target(self, target: tuple[str, int] | None) -> None:
        current = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.target = target
        self.list.clear()
        motifs = {m.id: m for m in coding.motifs(self.ctx.project)}
        names = coding.coder_names(self.ctx.project)
        self._fill_coders(names)
        for row in self._shown(coding.codings_for(self.ctx.project, target)) if target else []:
            motif = motifs.get(row.motif_id)
            label = f"{motif.name_zh} {motif.name}".strip() if motif else str(row.motif_id)
            label += f"  · {names.get(row.coder_id, 'no coder')}"
            item = QListWidgetItem(swatch(motif.colour if motif else "#888"), label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.UserRole, (row.id, row.memo))
            self.list.addItem(item)
            if current and current[0] == row.id:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._current()

    def _current(self, *_):
        item = self.list.currentItem()
        self.memo.setEnabled(item is not None)
        self.remove.setEnabled(item is not None)
        self.memo.set_value(item.data(Qt.ItemDataRole.UserRole)[1] if item else "")

    def _memo(self, text: str) -> None:
        item = self.list.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole)[1] != text:
            self.editor.set_coding_memo(item.data(Qt.ItemDataRole.UserRole)[0], text)

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.editor.push(commands.Delete(self.ctx, "Remove motif", "coding",
                                             item.data(Qt.ItemDataRole.UserRole)[0], self.editor.page_id))

def character_label(c) -> str:
    return f"{c.name_zh} {c.name}".strip() if c.name_zh else c.name

class RegionForm(QWidget):
    def __init__(self, ctx: AppContext, editor: PageEditor, parent=None):
        super().__init__(parent)
        self.ctx, self.editor = ctx, editor
        self.region_id: int | None = None
        self.ocr = QPlainTextEdit()
        self.ocr.setReadOnly(True)
        self.ocr.setFixedHeight(60)
        self.ocr_meta = QLabel()
        self.ocr_meta.setWordWrap(True)
        self.checked = QLabel()
        self.checked.setObjectName("checkedState")
        self.checked.setWordWrap(True)
        self.text = CommitEdit()
        self.translation = CommitEdit()
        self.kind = QComboBox()
        self.kind.addItems(REGION_KINDS)
        self.lang = QComboBox()
        self.lang.addItems(LANGS)
        self.vertical = QCheckBox("Vertical text")
        self.speaker = QComboBox()
        self.codings = CodingsBox(ctx, editor)
        form = QFormLayout(self)
        form.addRow("OCR reading", self.ocr)
        form.addRow("", self.ocr_meta)
        form.addRow("Checked", self.checked)
        form.addRow("Corrected text", self.text)
        form.addRow("Translation", self.translation)
        form.addRow("Kind", self.kind)
        form.addRow("Language", self.lang)
        form.addRow("", self.vertical)
        form.addRow("Speaker", self.speaker)
        self.suggestions = SuggestionBox(ctx, editor)
        form.addRow("Suggested", self.suggestions)
        self.history = QPushButton("History…")
        self.history.setToolTip("Every correction, translation and speaker change of this region; revert one")
        self.history.clicked.connect(self.show_history)
        form.addRow("", self.history)
        form.addRow("Motifs", self.codings)
        self.text.committed.connect(self._text)
        self.translation.committed.connect(lambda t: self._set("Edit translation", translation=t))
        self.kind.activated.connect(lambda _i: self._set("Change region kind", kind=self.kind.currentText()))
        self.lang.activated.connect(lambda _i: self._set("Change language", lang=self.lang.currentText()))
        self.vertical.clicked.connect(lambda on: self._set("Toggle vertical", vertical=bool(on)))
        self.speaker.activated.connect(self._speaker)

    def show_region(self, region) -> None:
        self.region_id = region.id
        self.ocr.setPlainText(region.ocr_text or "")
        if region.ocr_engine:
            conf = f"{region.ocr_confidence:.2f}" if region.ocr_confidence is not None else "?"
            differs = " · OCR now reads differently" if region.ocr_differs else ""
            self.ocr_meta.setText(f"{region.ocr_engine} {region.ocr_engine_version or ''} · confidence {conf}{differs}")
        else:
            self.ocr_meta.setText("not read by OCR")
        checked = region.text is not None
        self.checked.setText("✓ checked by a person" if checked else
                             "✗ not checked: the box stays empty until you correct the reading or accept it (A)")
        self.checked.setStyleSheet("color: #2e7d32; font-weight: bold" if checked else "color: #c62828")
        self.text.setPlaceholderText(f"Not checked. OCR reads: {region.ocr_text}" if region.ocr_text
                                     else "Not checked. Type the text (no OCR reading)")
        if not self.text.hasFocus():
            self.text.set_value(region.text or "")
        if not self.translation.hasFocus():
            self.translation.set_value(region.translation or "")
        self.kind.setCurrentText(region.kind)
        self.lang.setCurrentText(region.lang)
        self.vertical.setChecked(region.vertical)
        self.speaker.clear()
        self.speaker.addItem("— nobody —", None)
        for c in coding.characters(self.ctx.project):
            self.speaker.addItem(character_label(c), c.id)
        self.speaker.addItem("New character…", -1)
        self.speaker.setCurrentIndex(max(0, self.speaker.findData(region.speaker_id)))
        self.suggestions.show_region(region)
        self.codings.show_target(("text_region", region.id))

    def _set(self, label: str, **fields) -> None:
        if self.region_id is not None:
            self.editor.update_region(self.region_id, label, **fields)

    def _text(self, text: str) -> None:
        region = self.editor.region(self.region_id)
        if region is not None and not (region.text is None and text == ""):  # an empty box stays unchecked
            self._set("Correct text", text=text)

    def _speaker(self, index: int) -> None:
        speaker = self.speaker.itemData(index)
        if speaker == -1:
            name, ok = QInputDialog.getText(self, "New character", "Name (English or pinyin; Chinese later):")
            if not ok or not name.strip():
                return
            speaker = self.new_character(name)
        self.suggestions.chosen_elsewhere(speaker)
        self._set("Set speaker", speaker_id=speaker)

    def show_history(self) -> None:
        from annotator.gui.layers import HistoryDialog

        if self.region_id is not None:
            self.history_dialog = HistoryDialog(self.ctx, self.region_id, self.editor.page_id, self)
            self.history_dialog.show()

    def new_character(self, name: str) -> int:
        cmd = commands.Create(self.ctx, "New character", "character",
                              lambda: coding.create_character(self.ctx.project, name))
        self.editor.push(cmd)
        return cmd.row_id

class PanelForm(QWidget):
    def __init__(self, ctx: AppContext, editor: PageEditor, parent=None):
        super().__init__(parent)
        self.ctx, self.editor = ctx, editor
        self.panel_id: int | None = None
        self.header = QLabel()
        self.cast = QListWidget()
        self.cast.setMaximumHeight(100)
        self.pick = QComboBox()
        add, remove = QPushButton("Add"), QPushButton("Remove")
        row = QHBoxLayout()
        row.addWidget(self.pick, 1)
        row.addWidget(add)
        row.addWidget(remove)
        self.codings = CodingsBox(ctx, editor)
        self.memo = CommitEdit(height=80)
        form = QFormLayout(self)
        form.addRow(self.header)
        form.addRow("Characters", self.cast)
        form.addRow("", row)
        form.addRow("Motifs", self.codings)
        form.addRow("Memo", self.memo)
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.memo.committed.connect(lambda text: self.editor.set_panel_memo(self.panel_id, text))

    def show_panel(self, panel, number: int) -> None:
        self.panel_id = panel.id
        if panel.source == "manual":
            origin = "drawn by hand"
        else:
            conf = f", confidence {panel.confidence:.2f}" if panel.confidence is not None else ""
            origin = f"found automatically{conf}"
        self.header.setText(f"Panel {number} · {origin} · {panel.w}×{panel.h} px")
        self.cast.clear()
        for appearance_id, _character_id, name in gui_queries.panel_appearances(self.ctx.project, panel.id):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, appearance_id)
            self.cast.addItem(item)
        self.pick.clear()
        for c in coding.characters(self.ctx.project):
            self.pick.addItem(character_label(c), c.id)
        self.codings.show_target(("panel", panel.id))
        if not self.memo.hasFocus():
            self.memo.set_value(panel.memo)

    def _add(self) -> None:
        if self.pick.currentData() is not None:
            self.editor.add_appearance(self.pick.currentData(), self.panel_id)

    def _remove(self) -> None:
        item = self.cast.currentItem()
        if item is not None:
            self.editor.remove_appearance(item.data(Qt.ItemDataRole.UserRole))

class InspectorDock(QDockWidget):
    def __init__(self, ctx: AppContext, editor: PageEditor, parent=None):
        super().__init__("Inspector", parent)
        self.setObjectName("inspector")
        self.ctx, self.editor = ctx, editor
        self.stack = QStackedWidget()
        self.empty = QLabel("Select a panel or a text region.\nTab walks through the text in reading order.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.region_form = RegionForm(ctx, editor)
        self.panel_form = PanelForm(ctx, editor)
        for widget in (self.empty, self.region_form, self.panel_form):
            self.stack.addWidget(widget)
        # One fixed width whatever is selected, so the page does not jump sideways; tall forms scroll.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.stack)
        self.setWidget(scroll)
        self.setMinimumWidth(360)
        for box in self.findChildren(CommitEdit):
            box.finished.connect(editor.view.setFocus)
        editor.selectionChanged.connect(lambda _keys: self.refresh())
        ctx.changed.connect(lambda _change: self.refresh())

    def refresh(self) -> None:
        chosen = self.editor.selected()
        if not chosen:
            self.stack.setCurrentWidget(self.empty)
            return
        kind, row_id = chosen[0]
        if kind == "region" and self.editor.region(row_id):
            self.region_form.show_region(self.editor.region(row_id))
            self.stack.setCurrentWidget(self.region_form)
        elif kind == "panel" and self.editor.panel(row_id):
            number = [p.id for p in self.editor.data.panels].index(row_id) + 1
            self.panel_form.show_panel(self.editor.panel(row_id), number)
            self.stack.setCurrentWidget(self.panel_form)

    def highlight(self, field: str, spans: list[tuple[int, int]]) -> None:
        """Mark characters of the shown region's text or translation (a search hit's match)."""
        form = self.region_form
        for name, edit in (("text", form.text), ("translation", form.translation)):
            marks = []
            if name == field and self.stack.currentWidget() is form:
                for start, end in spans:
                    mark = QTextEdit.ExtraSelection()
                    mark.format.setBackground(QColor("#ffd54f"))
                    mark.format.setForeground(QColor("#000000"))
                    cursor = edit.textCursor()
                    cursor.setPosition(min(start, len(edit.toPlainText())))
                    cursor.setPosition(min(end, len(edit.toPlainText())), QTextCursor.MoveMode.KeepAnchor)
                    mark.cursor = cursor
                    marks.append(mark)
            edit.setExtraSelections(marks)

    def edit_text(self) -> None:
        """Enter on the canvas: jump into the corrected text of the selected region."""
        if self.stack.currentWidget() is self.region_form:
            self.show()
            self.region_form.text.setFocus()
            self.region_form.text.selectAll()

