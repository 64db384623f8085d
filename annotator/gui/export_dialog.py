"""File ▸ Export: choose what (an episode, a series, the project) and how (any registered format).

The dialog previews the HTML summary of the chosen scope (QTextBrowser shows the same
document the HTML export writes, pictures included) and runs the export as a background job
with a progress bar, through the same core registry as ``annotator export``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core import export as exporters
from annotator.core.library import library

SUFFIX = {"html": ".html", "md": ".md", "pdf": ".pdf", "csv": ".csv", "json": ".json", "codings-csv": "-codings.csv",
          "characters-csv": "-characters.csv", "codebook-csv": "-codebook.csv", "archive": ".zip"}
SUFFIX.update({"page": "-page", "alto": "-alto", "tei": ".tei.xml", "qdpx": ".qdpx", "qdc": ".qdc",
               "webanno": "-webanno", "coco": "-coco"})  # exchange formats; "-x" names a folder


class ExportDialog(QDialog):
    def __init__(self, ctx, current_episode: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Export")
        self.resize(1100, 760)
        self._preview_job = 0
        self.running = False
        self.written: list[Path] = []

        self.scope = QComboBox()
        for series in library(ctx.project):
            for ep in series.episodes:
                self.scope.addItem(f"Episode {ep.label}", ((ep.id,), f"episode-{ep.number if ep.number is not None else ep.id}"))
            ids = tuple(ep.id for ep in series.episodes)
            if ids:
                self.scope.addItem(f"Series: {series.name} (series summary)", (ids, _slug(series.name)))
        self.scope.addItem("Whole project", ((), "project"))
        for i in range(self.scope.count()):
            if current_episode is not None and self.scope.itemData(i)[0] == (current_episode,):
                self.scope.setCurrentIndex(i)
        self.format = QComboBox()
        self.carries = {}
        for fmt in exporters.formats().values():
            self.format.addItem(fmt.name, fmt.name)
            self.format.setItemData(self.format.count() - 1, fmt.carries, Qt.ItemDataRole.ToolTipRole)
            self.carries[fmt.name] = f"{fmt.carries} ({fmt.version})"
        self.format.setCurrentIndex(max(0, self.format.findData("html")))
        self.about = QLabel()
        self.about.setWordWrap(True)
        for combo in (self.scope, self.format):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("Letter", "letter")
        self.bom = QCheckBox("UTF-8 byte-order mark (for Excel)")
        self.stamp = QCheckBox("Write the export time into the files")
        self.output = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Export", self.scope)
        form.addRow("Format", self.format)
        form.addRow("", self.about)
        form.addRow("Paper", self.paper)
        form.addRow("", self.bom)
        form.addRow("", self.stamp)
        form.addRow("Save to", out_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(form)
        column.addStretch(1)
        column.addWidget(self.progress)
        column.addWidget(self.message)
        column.addWidget(self.buttons)
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.preview.setOpenLinks(False)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setSizes([380, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self._scope_changed()

    # -- choices ----------------------------------------------------------------------------

    def options(self) -> exporters.Options:
        return exporters.Options(stamp=self.stamp.isChecked(), bom=self.bom.isChecked(),
                                 paper=self.paper.currentData())

    def _suggested(self) -> Path:
        _ids, stem = self.scope.currentData()
        name = self.format.currentData()
        if name == "archive":
            stem = self.ctx.project.root.name
        return self.ctx.project.root.parent / "exports" / f"{stem}{SUFFIX.get(name, '.' + name)}"

    def _format_changed(self) -> None:
        name = self.format.currentData()
        self.about.setText(self.carries[name])
        self.paper.setEnabled(name == "pdf")
        self.bom.setEnabled(name.endswith("csv"))
        self.scope.setEnabled(name != "archive")  # an archive always holds the whole project
        self.output.setText(str(self._suggested()))

    def _scope_changed(self) -> None:
        self.output.setText(str(self._suggested()))
        self.refresh_preview()

    def _browse(self) -> None:
        if exporters.formats()[self.format.currentData()].output == "folder":
            path = QFileDialog.getExistingDirectory(self, "Export into folder", self.output.text())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.output.text())
        if path:
            self.output.setText(path)

    # -- preview and export -----------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Render the HTML summary of the chosen scope off the GUI thread; a newer request wins."""
        from annotator.core.export.summary import episode_ids, html_document

        self._preview_job += 1
        token = self._preview_job
        ids, _stem = self.scope.currentData()
        project = self.ctx.project
        self.preview.setPlainText("Preparing the preview…")

        def work(control):
            return html_document(project, episode_ids(project, exporters.Scope(ids)))

        def done(html):
            if token == self._preview_job:
                self.preview.setHtml(html)
                self.preview_ready = True

        def failed(message, _details):
            if token == self._preview_job:
                self.preview.setPlainText(f"No preview: {message}")

        self.preview_ready = False
        self.ctx.jobs.run_op(work, done, failed, label="Export preview", visible=False)

    def start_export(self) -> None:
        if self.running:
            return
        target = Path(self.output.text().strip()).expanduser()
        if not self.output.text().strip():
            self.message.setText("Choose where to save the export.")
            return
        ids, _stem = self.scope.currentData()
        name, options, project = self.format.currentData(), self.options(), self.ctx.project
        self.running = True
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.message.setText(f"Exporting {name}…")

        def work(control):
            return exporters.export(project, name, target, exporters.Scope(ids), options, control.progress)

        self.ctx.jobs.run_op(work, self._done, self._failed, self._progressed, label=f"Export {name}")

    def _progressed(self, done: int, total: int, _name: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def _done(self, written) -> None:
        self.running = False
        self.written = list(written)
        self.export_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.message.setText(f"Wrote {len(written)} file(s): {written[0]}" if written else "Nothing written.")

    def _failed(self, message: str, _details: str) -> None:
        self.running = False
        self.export_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message.setText(f"Export failed: {message.split(': ', 1)[-1]}")


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in keep.split("-") if part) or "series"
