"""The comparison window: a motif x episode heatmap, speech share as stacked bars, a timeline.

The heatmap is a table view (each cell is clickable and its numbers stay readable); the two
charts use QtCharts, which ships with PySide6 (PySide6-Addons), so no other plotting stack,
and its scenes render straight into PNG and, through QSvgGenerator, SVG. All figures come
from ``annotator.core.compare``; the window only draws them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPoint, QPointF, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core import compare
from annotator.gui.characters import crop_portrait
from annotator.gui.context import AppContext

REFRESH_KINDS = {"coding", "appearance", "region", "character", "motif", "library", "panel", "page"}
HOT = QColor("#c0392b")
TABS = ("motif", "speech", "timeline")  # what each tab shows, in tab order
SPEAKER_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                   "#9c755f", "#2c3e50"]  # Tableau 10, minus its grey (kept for "no speaker")


def heat(value: float) -> QColor:
    """White for nothing, deepening to red at the row set's maximum."""
    value = max(0.0, min(1.0, value))
    white = QColor("white")
    return QColor(round(white.red() + (HOT.red() - white.red()) * value),
                  round(white.green() + (HOT.green() - white.green()) * value),
                  round(white.blue() + (HOT.blue() - white.blue()) * value))


class MatrixModel(QAbstractTableModel):
    """Motif rows (indented by depth, Chinese name first) by episode columns."""

    CELL_ROLE = Qt.ItemDataRole.UserRole + 1  # (motif id, episode id)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: dict | None = None
        self.measure = "counts"
        self.top = 1.0  # the largest value shown: the colour scale's red end

    def load(self, result: dict | None, measure: str | None = None) -> None:
        self.beginResetModel()
        self.result = result
        self.measure = measure or self.measure
        values = [v for row in result[self.measure].values() for v in row.values()] if result else []
        self.top = max(values, default=0) or 1
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if (parent is not None and parent.isValid()) or not self.result else len(self.result["motifs"])

    def columnCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if (parent is not None and parent.isValid()) or not self.result else len(self.result["episodes"])

    def value(self, row: int, column: int):
        r = self.result
        return r[self.measure][r["motifs"][row]][r["episodes"][column]]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not self.result:
            return None
        value = self.value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if not value:
                return ""
            return f"{value:.0%}" if self.measure == "shares" else str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(heat(value / self.top))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("white" if value / self.top > 0.55 else "black"))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            r = self.result
            motif, episode = r["motifs"][index.row()], r["episodes"][index.column()]
            return (f"{motif} · episode {episode}: {r['counts'][motif][episode]} coding(s), "
                    f"{r['panels'][motif][episode]} panel(s), {r['shares'][motif][episode]:.0%} of panels")
        if role == self.CELL_ROLE:
            return (self.result["motif_info"][index.row()]["id"], self.result["episode_info"][index.column()]["id"])
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not self.result:
            return None
        if orientation == Qt.Orientation.Horizontal:
            info = self.result["episode_info"][section]
            return f"Ep. {info['key']}" if isinstance(info["key"], int) else str(info["key"])
        info = self.result["motif_info"][section]
        label = f"{info['name_zh']} {info['name']}".strip() if info["name_zh"] else info["key"]
        return "    " * info["depth"] + label


def _speech_chart(result: dict, measure: str) -> QChart:
    chart = QChart()
    chart.setTitle("Share of dialogue per episode (" + ("characters of text" if measure == "char_share"
                                                        else "balloons") + ")")
    series = QStackedBarSeries()
    for i, name in enumerate(result["characters"]):
        bar = QBarSet(name)
        bar.setColor(QColor("#bdc3c7") if name == compare.NO_SPEAKER else QColor(SPEAKER_COLOURS[i % len(SPEAKER_COLOURS)]))
        bar.append([100 * result[measure][name][e] for e in result["episodes"]])
        series.append(bar)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([f"Ep. {e}" for e in result["episodes"]])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    percent = QValueAxis()
    percent.setRange(0, 100)
    percent.setLabelFormat("%d%%")
    chart.addAxis(percent, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(percent)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


def _timeline_chart(result: dict, colours: dict[str, str]) -> QChart:
    """One row per motif and character: a line from first to last episode (publication order)
    with a dot for every episode it occurs in."""
    chart = QChart()
    chart.setTitle("First and last appearance, episodes in publication order")
    chart.legend().hide()
    order = {key: i for i, key in enumerate(result["episodes"])}
    rows = result["rows"]
    x_axis, y_axis = QCategoryAxis(), QCategoryAxis()
    x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for info in result["episode_info"]:
        date = f"\n{info['published_on']}" if info["published_on"] else ""
        x_axis.append(f"Ep. {info['key']}{date}", order[info["key"]])
    x_axis.setRange(-0.5, max(len(order) - 0.5, 0.5))
    for i, row in reversed(list(enumerate(rows))):  # a category axis takes its labels bottom-up
        y = len(rows) - 1 - i
        colour = QColor(colours.get(row["name"], "#2e86c1") if row["kind"] == "motif" else "#34495e")
        line, dots = QLineSeries(), QScatterSeries()
        line.append([QPointF(order[row["first"]], y), QPointF(order[row["last"]], y)])
        line.setColor(colour)
        pen = line.pen()
        pen.setWidth(3)
        line.setPen(pen)
        dots.append([QPointF(order[e], y) for e in row["episodes"]])
        dots.setColor(colour)
        dots.setMarkerSize(10)
        for series in (line, dots):
            chart.addSeries(series)
        y_axis.append(("◆ " if row["kind"] == "character" else "") + row["label"], y)
    y_axis.setRange(-0.5, max(len(rows) - 0.5, 0.5))
    font = y_axis.labelsFont()
    font.setPointSizeF(max(6.0, min(font.pointSizeF(), 420 / max(len(rows), 1) / 1.6)))
    y_axis.setLabelsFont(font)
    y_axis.setTruncateLabels(False)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for series in chart.series():
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    return chart


class ComparisonWindow(QMainWindow):
    """Filters on top, the three views in tabs, the panels behind a clicked cell below."""

    openPanelRequested = Signal(int, object)  # page id, panel id (None for a whole page)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Compare episodes")
        self.resize(1280, 820)
        self.results: dict[str, dict] = {}
        self.series = QComboBox()
        self.episodes = QLineEdit()
        self.episodes.setPlaceholderText("all, or e.g. 1-12")
        self.coder = QComboBox()
        for combo in (self.series, self.coder):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.measure = QComboBox()
        self.measure.addItem("Codings", "counts")
        self.measure.addItem("Panels", "panels")
        self.measure.addItem("Share of panels", "shares")
        self.speech_measure = QComboBox()
        self.speech_measure.addItem("Characters of text", "char_share")
        self.speech_measure.addItem("Balloons", "balloon_share")
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        bar = QHBoxLayout()
        for label, widget in (("Series", self.series), ("Episodes", self.episodes), ("Coder", self.coder),
                              ("Heatmap", self.measure), ("Speech", self.speech_measure)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        buttons = {}
        for key, text in (("csv", "Export table (CSV)…"), ("png", "Chart as PNG…"), ("svg", "Chart as SVG…")):
            buttons[key] = QPushButton(text)
            bar.addWidget(buttons[key])
        bar.addStretch(1)

        self.model = MatrixModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setDefaultSectionSize(64)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.speech_view = QChartView()
        self.timeline_view = QChartView()
        for view in (self.speech_view, self.timeline_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Motifs × episodes")
        self.tabs.addTab(self.speech_view, "Speech share")
        self.tabs.addTab(self.timeline_view, "Timeline")

        self.cell_label = QLabel("Click a cell to list the panels behind it; double-click a panel to open its page.")
        self.panels = QListWidget()
        self.panels.setViewMode(QListWidget.ViewMode.IconMode)
        self.panels.setIconSize(QSize(120, 120))
        self.panels.setGridSize(QSize(150, 150))  # thumbnails arrive later; a fixed grid keeps them apart
        self.panels.setMovement(QListWidget.Movement.Static)
        blank = QPixmap(120, 90)
        blank.fill(QColor("#e5e7e9"))
        self._placeholder = QIcon(blank)
        self.panels.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.panels.setMinimumHeight(170)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.cell_label)
        lower_layout.addWidget(self.panels)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setSizes([640, 190])
        self.tabs.currentChanged.connect(lambda tab: lower.setVisible(TABS[tab] == "motif"))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        self._refresh_timer = QTimer(self, singleShot=True, interval=300)
        self._refresh_timer.timeout.connect(self.refresh)
        for combo in (self.series, self.coder):
            combo.activated.connect(lambda *_: self.refresh())
        self.episodes.editingFinished.connect(self.refresh)
        self.measure.currentIndexChanged.connect(lambda *_: self.model.load(self.model.result,
                                                                             self.measure.currentData()))
        self.speech_measure.currentIndexChanged.connect(lambda *_: self._draw_speech())
        self.table.clicked.connect(self.show_cell)
        self.panels.itemActivated.connect(self._open_item)
        self.panels.itemDoubleClicked.connect(self._open_item)
        buttons["csv"].clicked.connect(lambda: self._ask("csv", "CSV (*.csv)", self.export_csv))
        buttons["png"].clicked.connect(lambda: self._ask("png", "PNG image (*.png)", self.export_png))
        buttons["svg"].clicked.connect(lambda: self._ask("svg", "SVG drawing (*.svg)", self.export_svg))
        ctx.changed.connect(self._on_changed)

    def showEvent(self, event) -> None:
        """Edits made while the window was hidden are counted when it comes back."""
        super().showEvent(event)
        self._fill_filters()
        self.refresh()

    # -- data -----------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        from sqlmodel import select

        from annotator.core import models

        with self.ctx.project.session() as s:
            series = s.exec(select(models.Series.name).order_by(models.Series.name)).all()
            coders = s.exec(select(models.Coder.name).order_by(models.Coder.name)).all()
        for combo, everyone, names in ((self.series, "All series", series), (self.coder, "All coders", coders)):
            current = combo.currentData()
            combo.clear()
            combo.addItem(everyone, None)
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def filters(self) -> dict:
        return {"series": self.series.currentData(), "coder": self.coder.currentData(),
                "episodes": self.episodes.text().strip() or None}

    def _on_changed(self, kind: str, _page) -> None:
        if kind in REFRESH_KINDS and self.isVisible():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Recount on a worker with the current filters; the views redraw when it reports back."""
        project, f = self.ctx.project, self.filters()

        def work(_control):
            ids = compare.episodes_in_range(project, f["episodes"], f["series"]) if f["episodes"] else None
            if ids == []:
                raise compare.CompareError(f"no episode numbered {f['episodes']}")
            return {by: compare.compare(project, by, ids, f["series"], f["coder"]) for by in TABS}

        self.ctx.jobs.run_op(work, self._show, self._failed, label="Comparing episodes")

    def _failed(self, message: str, _details: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.loaded.emit()

    def _show(self, results: dict) -> None:
        self.error.clear()
        self.error.hide()
        self.results = results
        self.model.load(results["motif"], self.measure.currentData())
        self._draw_speech()
        colours = {m["key"]: m["colour"] for m in results["motif"]["motif_info"]}
        labels = {m["key"]: f"{m['name_zh']} {m['name']}".strip() if m["name_zh"] else m["key"]
                  for m in results["motif"]["motif_info"]}
        timeline = dict(results["timeline"])
        timeline["rows"] = [dict(r, label=labels.get(r["name"], r["name"]) if r["kind"] == "motif" else r["name"])
                            for r in timeline["rows"]]
        self._replace_chart(self.timeline_view, _timeline_chart(timeline, colours))
        self.panels.clear()
        self.loaded.emit()

    def _draw_speech(self) -> None:
        if "speech" in self.results:
            self._replace_chart(self.speech_view, _speech_chart(self.results["speech"],
                                                                self.speech_measure.currentData()))

    @staticmethod
    def _replace_chart(view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()

    # -- the panels behind a cell -------------------------------------------------------------

    def show_cell(self, index: QModelIndex) -> None:
        motif_id, episode_id = index.data(MatrixModel.CELL_ROLE)
        motif = self.model.result["motifs"][index.row()]
        episode = self.model.result["episodes"][index.column()]
        targets = compare.cell_targets(self.ctx.project, motif_id, episode_id, self.filters()["coder"])
        self.cell_label.setText(f"{motif} · episode {episode}: {len(targets)} place(s)")
        self.panels.clear()
        for t in targets:
            if t["kind"] == "episode":
                text = "whole episode"
            elif t["kind"] == "page":
                text = f"page {t['page_index'] + 1}"
            else:
                text = f"p. {t['page_index'] + 1} · panel {t['panel_order'] + 1}"
            item = QListWidgetItem(self._placeholder, text)
            item.setData(Qt.ItemDataRole.UserRole, (t["page_id"], t["panel_id"]))
            self.panels.addItem(item)
            if t["media_path"]:
                self._thumbnail(item, str(self.ctx.project.media_file(t["media_path"])), t["bbox"])

    def _thumbnail(self, item: QListWidgetItem, path: str, bbox) -> None:
        def done(image: QImage) -> None:
            try:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            except RuntimeError:  # the list was refilled before the crop arrived
                pass

        self.ctx.jobs.run_op(lambda _c: crop_portrait(path, bbox), done, visible=False)

    def _open_item(self, item: QListWidgetItem) -> None:
        page_id, panel_id = item.data(Qt.ItemDataRole.UserRole)
        if page_id is not None:
            self.openPanelRequested.emit(page_id, panel_id)

    # -- export ---------------------------------------------------------------------------

    def current_view(self) -> QWidget:
        return self.tabs.currentWidget()

    def current_kind(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def _ask(self, suffix: str, pattern: str, write) -> None:
        name = f"compare-{self.current_kind()}.{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, "Export", name, pattern)
        if path:
            write(Path(path))
            self.ctx.status.emit(f"Wrote {path}")

    def export_csv(self, path: Path) -> None:
        """The current tab's figures as a table (the heatmap's: every measure)."""
        kind = self.current_kind()
        path.write_text(compare.to_csv(self.results[kind], kind), encoding="utf-8-sig")

    def _render_size(self) -> QSize:
        view = self.current_view()
        if isinstance(view, QTableView):
            width = view.verticalHeader().width() + view.horizontalHeader().length() + 4
            height = view.horizontalHeader().height() + view.verticalHeader().length() + 4
            return QSize(max(width, 200), max(height, 100))
        return QSize(max(view.width(), 900), max(view.height(), 520))

    def _paint(self, painter: QPainter, size: QSize) -> None:
        view = self.current_view()
        if isinstance(view, QChartView):
            view.scene().render(painter, QRect(0, 0, size.width(), size.height()), view.sceneRect())
            return
        old = view.size()
        view.resize(size)  # the whole table, not only what the window shows
        view.render(painter, QPoint(0, 0))
        view.resize(old)

    def export_png(self, path: Path) -> None:
        size = self._render_size()
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint(painter, size)
        painter.end()
        if not image.save(str(path)):
            raise OSError(f"could not write {path}")

    def export_svg(self, path: Path) -> None:
        size = self._render_size()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle(self.tabs.tabText(self.tabs.currentIndex()))
        painter = QPainter(generator)
        self._paint(painter, size)
        painter.end()
