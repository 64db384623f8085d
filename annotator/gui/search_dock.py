"""The search dock (Ctrl+F): type a query, see hits in context, open one, auto-code them all.

Queries run on the GUI thread: the index answers in milliseconds (see benchmarks/search.py),
and a short pause after typing keeps a fast typist from running one search per key. Results
re-run after every edit so the list never shows text that is no longer there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QDockWidget, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QListWidget, QPushButton, QRadioButton, QTableView, QVBoxLayout, QWidget,
)

from annotator.core import autocode, coding
from annotator.core.query import QueryError
from annotator.core.search import Hit, search
from annotator.gui import commands
from annotator.gui.context import AppContext
from annotator.gui.models.search_model import HIT_ROLE, SearchModel

TYPING_PAUSE_MS = 250
LIMIT = 500


class AutoCode(commands.Edit):
    """Code every hit's region with a motif, or give them a speaker: one undo step."""

    kind = "coding"

    def __init__(self, ctx, query: str, region_ids: list[int], motif_id: int | None = None,
                 speaker_id: int | None = None):
        what = "motif" if motif_id is not None else "speaker"
        super().__init__(ctx, f"Auto-code {len(region_ids)} region(s) with a {what} from “{query}”")
        self.kind = "coding" if motif_id is not None else "region"
        self.query, self.region_ids = query, list(region_ids)
        self.motif_id, self.speaker_id = motif_id, speaker_id
        self.done: dict | None = None

    def apply(self) -> None:
        if self.motif_id is not None:
            self.done = autocode.apply_motif(self.project, self.region_ids, self.motif_id, self.query,
                                             self.ctx.coder_id())
        else:
            self.done = autocode.apply_speaker(self.project, self.region_ids, self.speaker_id)

    def revert(self) -> None:
        if self.done is not None:
            autocode.undo(self.project, self.done)


class AutoCodeDialog(QDialog):
    """Choose a motif or a speaker and see what it would change before anything does."""

    def __init__(self, ctx: AppContext, query: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Auto-code search hits")
        self.ctx, self.query = ctx, query
        self.preview: autocode.Preview | None = None
        self.use_motif = QRadioButton("Motif")
        self.use_speaker = QRadioButton("Speaker")
        self.use_motif.setChecked(True)
        self.motifs = QComboBox()
        names = {m.id: m for m in coding.motifs(ctx.project)}
        for motif in sorted(names.values(), key=lambda m: self._path(m, names)):
            self.motifs.addItem(self._path(motif, names), motif.id)
        self.speakers = QComboBox()
        for c in coding.characters(ctx.project):
            self.speakers.addItem(f"{c.name_zh} {c.name}".strip() if c.name_zh else c.name, c.id)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.sample = QListWidget()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apply to all hits")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        choice = QHBoxLayout()
        choice.addWidget(self.use_motif)
        choice.addWidget(self.motifs, 1)
        choice.addWidget(self.use_speaker)
        choice.addWidget(self.speakers, 1)
        form = QFormLayout(self)
        form.addRow("Query", QLabel(query))
        form.addRow("Apply", choice)
        form.addRow(self.summary)
        form.addRow("First hits", self.sample)
        form.addRow(self.buttons)
        for signal in (self.use_motif.toggled, self.motifs.currentIndexChanged, self.speakers.currentIndexChanged):
            signal.connect(lambda *_: self.refresh())
        self.resize(640, 420)
        self.refresh()

    @staticmethod
    def _path(motif, names) -> str:
        parts, node = [], motif
        while node is not None:
            parts.append(node.name)
            node = names.get(node.parent_id)
        return " › ".join(reversed(parts))

    def choice(self) -> tuple[int | None, int | None]:
        if self.use_motif.isChecked():
            return self.motifs.currentData(), None
        return None, self.speakers.currentData()

    def refresh(self) -> None:
        motif_id, speaker_id = self.choice()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if motif_id is None and speaker_id is None:
            self.summary.setText("Nothing to apply: the codebook or the cast is empty.")
            ok.setEnabled(False)
            return
        self.preview = autocode.preview(self.ctx.project, self.query, motif_id=motif_id, speaker_id=speaker_id)
        p = self.preview
        self.summary.setText(f"{len(p.region_ids)} region(s) found: {p.changes} will change,"
                             f" {p.unchanged} already have it. One undo step reverts it all.")
        self.sample.clear()
        self.sample.addItems([f"ep {h.episode} · p. {h.page}: {h.context}" for h in p.sample])
        ok.setEnabled(p.changes > 0)


class SearchDock(QDockWidget):
    hitChosen = Signal(object)  # the chosen Hit

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Search", parent)
        self.setObjectName("search")
        self.ctx = ctx
        self.query = QLineEdit(placeholderText='Search: 境外组织  "foreign agent"  speaker:Wang  ep:1-3  motif:Threat')
        self.query.setClearButtonEnabled(True)
        self.query.setToolTip(
            "Words and \"phrases\" must all match; OR between alternatives; -word or NOT word excludes.\n"
            "Filters: series: ep:3 ep:1-12 date:2024-01..2024-06 speaker: character: motif: kind: coder: field:\n"
            "Chinese matches any part of a text; English matches whole words; 繁體 finds 简体.")
        self.status_label = QLabel("Type to search texts, translations, memos, speakers and motifs.")
        self.status_label.setWordWrap(True)
        self.model = SearchModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(180)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.autocode_button = QPushButton("Auto-code hits…")
        self.autocode_button.setToolTip("Apply a motif or a speaker to every hit, after a preview (one undo step)")
        self.autocode_button.setEnabled(False)
        self.autocode_button.clicked.connect(self.auto_code)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.autocode_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setWidget(body)
        self.timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.run)
        self.query.textChanged.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self.run)
        self.table.activated.connect(self._choose)
        self.table.selectionModel().currentRowChanged.connect(lambda index, _prev: self._choose(index))
        ctx.changed.connect(lambda _kind, _page: self._refresh_later())

    def focus_query(self) -> None:
        self.show()
        self.raise_()
        self.query.setFocus()
        self.query.selectAll()

    def run(self) -> None:
        self.timer.stop()
        text = self.query.text().strip()
        if not text:
            self.model.set_result(None)
            self.status_label.setText("Type to search texts, translations, memos, speakers and motifs.")
            self.autocode_button.setEnabled(False)
            return
        try:
            result = search(self.ctx.project, text, limit=LIMIT)
        except QueryError as exc:
            self.model.set_result(None)
            self.status_label.setText(f"⚠ {exc}")
            self.autocode_button.setEnabled(False)
            return
        self.model.set_result(result)
        episodes = len(result.per_episode or [])
        shown = f" (first {len(result.hits)} listed)" if len(result.hits) < result.total else ""
        self.status_label.setText(f"{result.total_label} hit(s) in {episodes} episode(s){shown}")
        self.autocode_button.setEnabled(result.total > 0)

    def _refresh_later(self) -> None:
        if self.model.result is not None and not self.timer.isActive():
            QTimer.singleShot(0, self._rerun_keeping_place)

    def _rerun_keeping_place(self) -> None:
        current = self.table.currentIndex()
        key = None
        if current.isValid():
            hit = current.data(HIT_ROLE)
            key = (hit.region_id, hit.field)
        self.table.selectionModel().blockSignals(True)
        try:
            self.run()
            for row, hit in enumerate(self.model.hits):
                if (hit.region_id, hit.field) == key:
                    self.table.selectRow(row)
                    break
        finally:
            self.table.selectionModel().blockSignals(False)

    def choose_row(self, row: int) -> None:
        self.table.selectRow(row)
        self._choose(self.model.index(row, 0))

    def _choose(self, index) -> None:
        if index.isValid():
            hit: Hit = index.data(HIT_ROLE)
            self.hitChosen.emit(hit)

    def auto_code(self) -> None:
        text = self.query.text().strip()
        if not text:
            return
        dialog = AutoCodeDialog(self.ctx, text, self)
        if dialog.exec() and dialog.preview is not None:
            self.apply_auto_code(text, dialog.preview, *dialog.choice())

    def apply_auto_code(self, text: str, preview: autocode.Preview, motif_id: int | None,
                        speaker_id: int | None) -> None:
        self.ctx.undo.push(AutoCode(self.ctx, text, preview.region_ids, motif_id, speaker_id))
