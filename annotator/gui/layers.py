"""Layers in the window: a region's revision history (diff, revert) and page status.

The history dialog lists the selected region's revisions and OCR layers; "Revert to this" is an
undo command like any other edit. Page status is set from the library's context menu (or
Ctrl+Alt+1..4 on the pages selected there) and a combo box above the library filters by it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core import annotate, ocr_layers, page_status, revisions
from annotator.core.models import PAGE_STATUSES
from annotator.gui.commands import Edit
from annotator.gui.context import AppContext

SOURCE_LABELS = {"typed": "typed", "accepted-ocr": "accepted from OCR", "imported": "imported",
                 "auto-coded": "auto-coded", "reverted": "reverted"}
FIELD_LABELS = {"text": "Correction", "translation": "Translation", "speaker_id": "Speaker"}


class RevertRevision(Edit):
    """'Revert to this': the field gets the value this revision gave it; undo puts back what was there."""

    kind = "region"

    def __init__(self, ctx: AppContext, revision_id: int, page_id: int | None):
        super().__init__(ctx, f"Revert to revision {revision_id}", page_id)
        self.revision_id = revision_id
        self.region_id: int | None = None
        self.before: dict = {}

    def apply(self) -> None:
        self.region_id, _ = revisions.revert_fields(self.project, self.revision_id)
        self.before = revisions.revert(self.project, self.revision_id, self.ctx.coder_name)

    def revert(self) -> None:
        with revisions.acting(self.ctx.coder_name, "reverted"):
            annotate.update_region(self.project, self.region_id, **self.before)


class SetPageStatus(Edit):
    kind = "page"

    def __init__(self, ctx: AppContext, page_ids: list[int], status: str):
        super().__init__(ctx, f"Mark {len(page_ids)} page(s) {page_status.LABELS[status]}")
        self.page_ids, self.status = list(page_ids), status
        self.before: dict[int, str] = {}

    def apply(self) -> None:
        self.before = {page_id: page_status.set_status(self.project, page_id, self.status) for page_id in self.page_ids}

    def revert(self) -> None:
        for page_id, status in self.before.items():
            page_status.set_status(self.project, page_id, status)


def diff_html(old: str | None, new: str | None) -> str:
    out = []
    for op, text in revisions.diff(old, new):
        text = html.escape(text).replace("\n", "⏎<br>")
        if op == "-":
            out.append(f'<span style="background:#ffcdd2;color:#b71c1c;text-decoration:line-through">{text}</span>')
        elif op == "+":
            out.append(f'<span style="background:#c8e6c9;color:#1b5e20">{text}</span>')
        else:
            out.append(text)
    return "".join(out) or "<i>(empty)</i>"


class HistoryDialog(QDialog):
    """Revisions of one region, newest first, with the diff of the chosen one and its OCR layers."""

    def __init__(self, ctx: AppContext, region_id: int, page_id: int | None, parent=None):
        super().__init__(parent)
        self.ctx, self.region_id, self.page_id = ctx, region_id, page_id
        self.setWindowTitle(f"History of text region {region_id}")
        self.resize(620, 480)
        self.list = QListWidget()
        self.diff = QTextBrowser()
        self.ocr = QLabel()
        self.ocr.setWordWrap(True)
        self.ocr.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.revert = QPushButton("Revert to this")
        self.revert.setToolTip("Give the field the value this revision gave it (undo with Ctrl+Z)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        row = QHBoxLayout()
        row.addWidget(self.revert)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.diff, 1)
        layout.addWidget(QLabel("<b>OCR layers</b>"))
        layout.addWidget(self.ocr)
        layout.addLayout(row)
        buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(self._show)
        self.revert.clicked.connect(self.revert_current)
        ctx.changed.connect(self._changed)
        self.reload()

    def _changed(self, change) -> None:
        if change.kind.value in ("region", "character") and self.isVisible():
            self.reload()

    def reload(self) -> None:
        self.rows = list(reversed(revisions.history(self.ctx.project, self.region_id)))
        self.list.clear()
        for rev in self.rows:
            old = rev.old_label if rev.field == "speaker_id" else rev.old_value
            new = rev.new_label if rev.field == "speaker_id" else rev.new_value
            item = QListWidgetItem(f"{rev.at:%Y-%m-%d %H:%M}  {rev.coder or '?'} · {SOURCE_LABELS[rev.source]} · "
                                   f"{FIELD_LABELS[rev.field]}: {old or '∅'} → {new or '∅'}")
            item.setData(Qt.ItemDataRole.UserRole, rev.id)
            self.list.addItem(item)
        if self.rows:
            self.list.setCurrentRow(0)
        else:
            self.diff.setHtml("<i>No revisions yet: nobody has corrected, translated or attributed this text.</i>")
        self.revert.setEnabled(bool(self.rows))
        readings = ocr_layers.region_readings(self.ctx.project, self.region_id)
        self.ocr.setText("<br>".join(
            f"{html.escape(r['engine'])} {html.escape(r['engine_version'])} · "
            f"{r['confidence']:.2f} · {html.escape(r['at'][:16])}: {html.escape(r['text'])}"
            if r["confidence"] is not None else f"{html.escape(r['engine'])}: {html.escape(r['text'])}"
            for r in readings) or "<i>not read by OCR</i>")

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            rev = self.rows[row]
            if rev.field == "speaker_id":
                self.diff.setHtml(diff_html(rev.old_label, rev.new_label))
            else:
                self.diff.setHtml(diff_html(rev.old_value, rev.new_value))

    def revert_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.rows):
            self.ctx.undo.push(RevertRevision(self.ctx, self.rows[row].id, self.page_id))


def install_status_controls(dock, ctx: AppContext) -> QComboBox:
    """A status filter above the library tree, and 'Mark … as' actions on its context menu."""
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    combo = QComboBox()
    combo.setObjectName("statusFilter")
    combo.addItem("All pages", None)
    for status in PAGE_STATUSES:
        combo.addItem(f"Pages {page_status.LABELS[status]}", status)
    layout.addWidget(combo)
    layout.addWidget(dock.tree)
    dock.setWidget(container)

    def chosen(_index: int) -> None:
        dock.status_filter = combo.currentData()
        dock.refresh()

    combo.currentIndexChanged.connect(chosen)
    separator = QAction(dock.tree)
    separator.setSeparator(True)
    dock.tree.addAction(separator)
    for digit, status in enumerate(PAGE_STATUSES, start=1):
        act = QAction(f"Mark pages {page_status.LABELS[status]}", dock.tree)
        act.setShortcut(QKeySequence(f"Ctrl+Alt+{digit}"))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda *_, s=status: _mark(dock, ctx, s))
        dock.tree.addAction(act)
    return combo


def _mark(dock, ctx: AppContext, status: str) -> None:
    pages = dock.selected_pages()
    if not pages:
        ctx.status.emit("Select pages, episodes or a series in the library first.")
        return
    ctx.undo.push(SetPageStatus(ctx, pages, status))
