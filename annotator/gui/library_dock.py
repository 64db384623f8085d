"""The library dock: series → episodes → pages, and the drop target for importing files.

Several rows can be selected (Shift/Ctrl+click); :meth:`LibraryDock.selected_pages` turns a
selection of pages, episodes and series into the pages a batch segmentation or OCR runs on.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QTreeView

from annotator.core.library import PageInfo, library
from annotator.core.media import ensure_thumbnail
from annotator.gui.context import AppContext
from annotator.gui.models.library_model import LibraryModel
from annotator.gui.models.tree import KEY_ROLE


class LibraryTree(QTreeView):
    filesDropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(30, 40))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.filesDropped.emit(paths)
        else:
            super().dropEvent(event)


class LibraryDock(QDockWidget):
    pageActivated = Signal(int)
    episodeActivated = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Library", parent)
        self.setObjectName("library")
        self.ctx = ctx
        self.status_filter: str | None = None  # show only pages with this status (gui.layers sets it)
        self.model = LibraryModel(self._request_thumbnail, self)
        self.tree = LibraryTree(self)
        self.tree.setModel(self.model)
        self.setWidget(self.tree)
        self.setMinimumWidth(340)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.doubleClicked.connect(self._double_clicked)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(50)
        self._pending.timeout.connect(self.refresh)
        ctx.changed.connect(self._on_changed)
        self.refresh()
        self.tree.expandToDepth(0)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def refresh(self) -> None:
        self.model.load(library(self.ctx.project, self.status_filter))

    def _on_changed(self, kind: str, page_id) -> None:
        """Counts follow edits shortly after; a burst of edits (a vertex drag, an OCR batch)
        costs one refresh, not one per step."""
        if kind in ("library", "page", "panel", "region", "coding"):
            self._pending.start()

    def select_page(self, page_id: int) -> None:
        index = self.model.find("page", page_id)
        if index.isValid() and self.tree.currentIndex() != index:
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def selected_pages(self) -> list[int]:
        """Pages of the selected rows in library order; an episode or series stands for all its pages."""
        chosen: set[int] = set()
        for index in self.tree.selectionModel().selectedRows():
            stack = [self.model.node(index)]
            while stack:
                node = stack.pop()
                if node.kind == "page":
                    chosen.add(node.id)
                stack.extend(node.children)
        return [p for p in self.model.page_ids() if p in chosen]

    def current_episode(self) -> int | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        kind, row_id = index.data(KEY_ROLE)
        if kind == "page":
            return self.model.node(index).parent.id
        return row_id if kind == "episode" else None

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            kind, row_id = current.data(KEY_ROLE)
            if kind == "page":
                self.pageActivated.emit(row_id)

    def _double_clicked(self, index) -> None:
        kind, row_id = index.data(KEY_ROLE)
        if kind == "episode":
            self.episodeActivated.emit(row_id)

    def _request_thumbnail(self, info: PageInfo, deliver) -> None:
        root = self.ctx.project.root

        def load(_control):
            return QImage(str(ensure_thumbnail(root, info.media_sha256, info.media_path)))

        self.ctx.jobs.run_op(load, deliver, on_error=lambda *_: None, visible=False)
