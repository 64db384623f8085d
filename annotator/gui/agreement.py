"""Agreement between coders, as a table coloured by alpha, with the units the coders disagree on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
)
from sqlmodel import select

from annotator.core import models
from annotator.core.agreement import AgreementReport, agreement
from annotator.core.database import ProjectError
from annotator.gui.context import AppContext

COLUMNS = ("Motif", "Units", "Agree %", "Cohen's κ", "Krippendorff's α", "Disagreements")


def alpha_colour(alpha: float | None) -> QColor:
    """Red below 0.667 (Krippendorff's lowest acceptable), amber to 0.8, green above."""
    if alpha is None:
        return QColor("#cccccc")
    if alpha < 0.667:
        return QColor("#f4a6a6")
    return QColor("#f6d58e") if alpha < 0.8 else QColor("#a9dba0")


def _number(value: float | None, scale: float = 1.0, digits: int = 3) -> str:
    return "–" if value is None else f"{value * scale:.{digits}f}"


class AgreementDialog(QDialog):
    """Pick coders, episodes and the unit; read kappa and alpha per motif; jump to a disagreement."""

    openUnitRequested = Signal(int, str, int)  # page id, "panel" | "region", unit id

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Agreement between coders")
        self.resize(900, 600)
        self.ctx = ctx
        self.report: AgreementReport | None = None
        self.coders = QListWidget()
        self.coders.setMaximumHeight(90)
        self.episodes = QLineEdit()
        self.episodes.setPlaceholderText("all episodes (or e.g. 1-3,5)")
        self.unit = QComboBox()
        self.unit.addItem("Panels", "panel")
        self.unit.addItem("Text regions", "text_region")
        compute = QPushButton("Compute")
        compute.setDefault(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.disagreements = QListWidget()
        controls = QHBoxLayout()
        for label, widget in (("Coders", self.coders), ("Episodes", self.episodes), ("Unit", self.unit)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget, 1 if widget is not self.unit else 0)
        controls.addWidget(compute)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.disagreements)
        split.setSizes([380, 160])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        compute.clicked.connect(self.compute)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_disagreements(row))
        self.disagreements.itemActivated.connect(self._open)  # double-click or Enter
        self._fill_coders()

    def _fill_coders(self) -> None:
        with self.ctx.project.session() as s:
            names = sorted(s.exec(select(models.Coder.name).join(models.Coding, models.Coding.coder_id == models.Coder.id)
                                  .distinct()).all())
        self.coders.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setCheckState(Qt.CheckState.Checked)
            self.coders.addItem(item)

    def _episode_ids(self) -> list[int] | None:
        text = self.episodes.text().strip()
        if not text:
            return None
        numbers: set[int] = set()
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            numbers.update(range(int(low), int(high or low) + 1))
        with self.ctx.project.session() as s:
            return list(s.exec(select(models.Episode.id).where(models.Episode.number.in_(numbers))).all())

    def compute(self) -> None:
        names = [self.coders.item(i).text() for i in range(self.coders.count())
                 if self.coders.item(i).checkState() == Qt.CheckState.Checked]
        try:
            episode_ids = self._episode_ids()
            self.report = agreement(self.ctx.project, names, episode_ids, self.unit.currentData())
        except ValueError:
            self.message.setText("Episodes: give numbers and ranges, e.g. 1-3,5.")
            return
        except ProjectError as exc:
            self.message.setText(str(exc))
            return
        r = self.report
        self.message.setText(f"{r.units} {self.unit.currentText().lower()} of episodes "
                             f"{', '.join(map(str, r.episodes))}; coders {', '.join(r.coders)}. α below 0.667 is red, "
                             f"below 0.8 amber. Overall κ {_number(r.overall.kappa)}, α {_number(r.overall.alpha)}.")
        rows = r.motifs
        self.table.setRowCount(len(rows))
        for i, m in enumerate(rows):
            values = (m.motif, str(m.units), _number(m.observed, 100, 1), _number(m.kappa), _number(m.alpha),
                      str(len(m.disagreements)))
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if j == 4:
                    item.setBackground(alpha_colour(m.alpha))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.setCurrentCell(0, 0)

    def _show_disagreements(self, row: int) -> None:
        self.disagreements.clear()
        if self.report is None or not 0 <= row < len(self.report.motifs):
            return
        kind = "panel" if self.report.unit == "panel" else "region"
        for d in self.report.motifs[row].disagreements:
            votes = ", ".join(f"{c}: {'tagged' if v else 'not tagged' if v == 0 else 'not coded'}"
                              for c, v in d.values.items())
            item = QListWidgetItem(f"Ep {d.episode} p. {d.page}, {kind} {d.order} — {votes}")
            item.setData(Qt.ItemDataRole.UserRole, (d.page_id, kind, d.unit_id))
            self.disagreements.addItem(item)

    def _open(self, item: QListWidgetItem) -> None:
        page_id, kind, unit_id = item.data(Qt.ItemDataRole.UserRole)
        self.openUnitRequested.emit(page_id, kind, unit_id)
