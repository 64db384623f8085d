"""Dialogs: motif details, episode provenance, importing, settings, and the keyboard help."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class MotifDialog(QDialog):
    def __init__(self, parent=None, motif=None):
        super().__init__(parent)
        self.setWindowTitle("Motif")
        self.name = QLineEdit(motif.name if motif else "")
        self.name_zh = QLineEdit(motif.name_zh if motif else "")
        self.colour = motif.colour if motif else "#888888"
        self.colour_button = QPushButton(self.colour)
        self.colour_button.clicked.connect(self._pick)
        self.shortcut = QComboBox()
        self.shortcut.addItems([""] + [str(i) for i in range(1, 10)])
        self.shortcut.setCurrentText(str(motif.shortcut) if motif else "")
        self.description = QPlainTextEdit(motif.description if motif else "")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("中文名", self.name_zh)
        form.addRow("Colour", self.colour_button)
        form.addRow("Number key", self.shortcut)
        form.addRow("Description", self.description)
        form.addRow(_buttons(self))
        self._show_colour()

    def _pick(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour), self, "Motif colour")
        if colour.isValid():
            self.colour = colour.name()
            self._show_colour()

    def _show_colour(self) -> None:
        self.colour_button.setText(self.colour)
        self.colour_button.setStyleSheet(f"background: {self.colour}; color: white")

    def values(self) -> dict:
        return {"name": self.name.text().strip(), "name_zh": self.name_zh.text().strip(), "colour": self.colour,
                "shortcut": self.shortcut.currentText(), "description": self.description.toPlainText().strip()}

    def accept(self) -> None:
        if self.name.text().strip():
            super().accept()


class EpisodeDialog(QDialog):
    """Provenance researchers cite: where and when an episode was published, and by which account."""

    def __init__(self, details: dict, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Episode details")
        self.details = details
        self.series = QComboBox()
        self.series.setEditable(True)  # pick a series or type a new one
        self.series.addItems(details.get("series_names", []))
        self.series.setCurrentText(details.get("series", ""))
        self.number = QSpinBox(maximum=100000)
        self.number.setValue(details.get("number") or 0)
        self.title = QLineEdit(details.get("title", ""))
        self.title_zh = QLineEdit(details.get("title_zh", ""))
        self.url = QLineEdit(details.get("source_url", ""))
        self.account = QLineEdit(details.get("account", ""))
        self.has_date = QCheckBox("known")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        published = details.get("published_on")
        self.has_date.setChecked(published is not None)
        self.date.setDate(QDate(published.year, published.month, published.day) if published else QDate.currentDate())
        self.date.setEnabled(published is not None)
        self.has_date.toggled.connect(self.date.setEnabled)
        self.direction = QComboBox()
        self.direction.addItems(["(series default)", "ltr", "rtl"])
        self.direction.setCurrentText(details.get("direction") or "(series default)")
        self.notes = QPlainTextEdit(details.get("notes", ""))
        form = QFormLayout(self)
        form.addRow("Series", self.series)
        form.addRow("Number", self.number)
        form.addRow("Title", self.title)
        form.addRow("标题", self.title_zh)
        form.addRow("Source URL", self.url)
        form.addRow("Published on", self.date)
        form.addRow("", self.has_date)
        form.addRow("Account / publisher", self.account)
        form.addRow("Reading direction", self.direction)
        form.addRow("Notes", self.notes)
        form.addRow(_buttons(self))

    def changes(self) -> dict:
        q = self.date.date()
        direction = self.direction.currentText()
        values = {
            "series": self.series.currentText().strip(), "number": self.number.value(), "title": self.title.text(), "title_zh": self.title_zh.text(),
            "source_url": self.url.text().strip(), "account": self.account.text(),
            "published_on": date(q.year(), q.month(), q.day()) if self.has_date.isChecked() else None,
            "direction": None if direction.startswith("(") else direction, "notes": self.notes.toPlainText(),
        }
        if "series" not in self.details:
            values.pop("series")
        return {k: v for k, v in values.items() if self.details.get(k) != v}


class ImportDialog(QDialog):
    """Where imported pages go: series, episode number, title, date and URL, prefilled from the
    file or folder name (``guess``) so a strip does not land in "Unsorted" as an untitled episode."""

    def __init__(self, paths: list[str], series_names: list[str], series: str, guess: dict, next_number,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import pages")
        self.setMinimumWidth(520)
        self._next_number = next_number
        names = [str(p).rstrip("/").rsplit("/", 1)[-1] for p in paths]
        what = QLabel(f"{len(paths)} item(s): " + ", ".join(names[:3]) + (" …" if len(names) > 3 else ""))
        what.setWordWrap(True)
        self.series = QComboBox()
        self.series.setEditable(True)
        self.series.addItems(series_names)
        self.series.setCurrentText(series)
        self.number = QSpinBox(minimum=1, maximum=100000)
        self.number.setValue(guess.get("number") or next_number(series))
        self.title = QLineEdit(guess.get("title", ""))
        self.title.setPlaceholderText("Episode title (any language)")
        self.has_date = QCheckBox("known")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        published = guess.get("published_on")
        self.has_date.setChecked(published is not None)
        self.date.setDate(QDate(published.year, published.month, published.day) if published else QDate.currentDate())
        self.date.setEnabled(published is not None)
        self.has_date.toggled.connect(self.date.setEnabled)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://… where the episode was published (for citation)")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(what)
        form.addRow("Series", self.series)
        form.addRow("Episode number", self.number)
        form.addRow("Title", self.title)
        form.addRow("Published on", self.date)
        form.addRow("", self.has_date)
        form.addRow("Source URL", self.url)
        form.addRow(self.hint)
        form.addRow(_buttons(self))
        self.series.currentTextChanged.connect(self._series_changed)

    def _series_changed(self, name: str) -> None:
        self.number.setValue(self._next_number(name.strip()))

    def values(self) -> dict:
        q = self.date.date()
        return {"series": self.series.currentText().strip() or "Unsorted", "number": self.number.value(),
                "title": self.title.text().strip(), "url": self.url.text().strip(),
                "published_on": date(q.year(), q.month(), q.day()) if self.has_date.isChecked() else None}


class SettingsDialog(QDialog):
    """Per-user settings (coder, theme) and per-project ones (OCR engine, reading direction)."""

    def __init__(self, values: dict, engines: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.coder = QLineEdit(values.get("coder", ""))
        self.engine = QComboBox()
        self.engine.addItems(["(best installed)"] + engines)
        self.engine.setCurrentText(values.get("ocr_engine") or "(best installed)")
        self.direction = QComboBox()
        self.direction.addItems(["auto", "ltr", "rtl"])
        self.direction.setCurrentText(values.get("direction") or "auto")
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.theme.setCurrentText(values.get("theme") or "light")
        form = QFormLayout(self)
        form.addRow("Coder name", self.coder)
        form.addRow("OCR engine (project)", self.engine)
        form.addRow("Reading direction (project)", self.direction)
        form.addRow("Theme", self.theme)
        form.addRow(_buttons(self))

    def values(self) -> dict:
        engine = self.engine.currentText()
        return {"coder": self.coder.text().strip(), "ocr_engine": "" if engine.startswith("(") else engine,
                "direction": self.direction.currentText(), "theme": self.theme.currentText()}


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 640)
        table = QTableWidget(len(rows), 2)
        table.setWordWrap(True)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        for r, (keys, text) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(text))
        table.resizeColumnToContents(0)
        table.horizontalHeader().setStretchLastSection(True)  # the action column takes the rest, never wider
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.resizeRowsToContents()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.table = table
