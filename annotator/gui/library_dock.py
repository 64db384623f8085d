"""The library dock: series → episodes → pages, and the drop target for importing files.

Several rows can be selected (Shift/Ctrl+click); :meth:`LibraryDock.selected_pages` turns a
selection of pages, episodes and series into the pages a batch segmentation or OCR runs on.
The right-click menu organises episodes (rename, move to another series, details, delete),
each an undo step; a reload keeps the rows that were open and selected.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QInputDialog, QTreeView

from annotator.core import episodes
from annotator.gui import commands

from annotator.core.library import PageInfo, library
from annotator.core.media import ensure_thumbnail
from annotator.gui.changes import COUNTED, Change
from annotator.gui.context import AppContext
from annotator.gui.wrapping import WrapDelegate
from annotator.gui.models.library_model import LibraryModel
from annotator.gui.models.tree import KEY_ROLE


class LibraryTree(QTreeView):
    filesDropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setIconSize(QSize(30, 40))
        self.wrap = WrapDelegate(self)  # a long series name wraps instead of being cut off
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
        self._pending.timeout.connect(self.refresh_in_background)
        self._generation = 0
        ctx.changed.connect(self._on_changed)
        self.refresh()
        self.tree.expandToDepth(0)
        self._add_menu()
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def refresh(self) -> None:
        """Reload now; a background refresh still running is then stale."""
        self._generation += 1
        self._show(library(self.ctx.project, self.status_filter))

    def _show(self, infos) -> None:
        """When rows come or go the model resets, so open rows and selection are put back."""
        tree, model = self.tree, self.model
        expanded = [key for key in model.keys() if tree.isExpanded(model.find(*key))]
        selected = [i.data(KEY_ROLE) for i in tree.selectionModel().selectedRows()]
        current = tree.currentIndex().data(KEY_ROLE) if tree.currentIndex().isValid() else None
        blocker = tree.selectionModel().blockSignals(True)
        try:
            reset = model.load(infos)
            if reset:
                for key in expanded:
                    index = model.find(*key)
                    if index.isValid():
                        tree.expand(index)
                flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                if current is not None and model.find(*current).isValid():
                    tree.selectionModel().setCurrentIndex(model.find(*current),
                                                          QItemSelectionModel.SelectionFlag.NoUpdate)
                for key in selected:
                    index = model.find(*key)
                    if index.isValid():
                        tree.selectionModel().select(index, flags)
        finally:
            tree.selectionModel().blockSignals(blocker)

    def reveal(self, kind: str, row_id: int) -> None:
        """Open the rows above ``kind``/``row_id`` and select it (a freshly imported episode)."""
        index = self.model.find(kind, row_id)
        if not index.isValid():  # just created: the delayed reload has not run yet
            self.refresh()
            index = self.model.find(kind, row_id)
        if index.isValid():
            parent = index.parent()
            while parent.isValid():
                self.tree.expand(parent)
                parent = parent.parent()
            self.tree.expand(index)
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    # -- organising episodes (right-click menu) ---------------------------------------------

    def _add_menu(self) -> None:
        self.menu_actions: dict[str, QAction] = {}
        for key, text, slot in (
            ("rename", "Rename…", self.rename_current),
            ("move", "Move to series…", self.move_current),
            ("details", "Episode details…", self._details),
            ("delete", "Delete episode", self.delete_current),
        ):
            act = QAction(text, self.tree)
            act.triggered.connect(lambda *_, s=slot: s())
            self.tree.addAction(act)
            self.menu_actions[key] = act

    def _current_key(self) -> tuple[str, int] | None:
        index = self.tree.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def _details(self) -> None:
        episode = self.current_episode()
        if episode is not None:
            self.episodeActivated.emit(episode)

    def rename_current(self) -> None:
        key = self._current_key()
        if key is None or key[0] == "page":
            self.ctx.status.emit("Select a series or an episode to rename.")
            return
        kind, row_id = key
        if kind == "series":
            old = self.model.node(self.tree.currentIndex()).payload.name
            name, ok = QInputDialog.getText(self, "Rename series", "Series name:", text=old)
            if ok and name.strip() and name.strip() != old:
                self.ctx.undo.push(commands.Update(self.ctx, "Rename series", "library", episodes.rename_series,
                                                   row_id, {"name": name.strip()}))
            return
        old = episodes.details(self.ctx.project, row_id)["title"]
        title, ok = QInputDialog.getText(self, "Rename episode", "Episode title:", text=old)
        if ok and title.strip() != old:
            self.ctx.undo.push(commands.Update(self.ctx, "Rename episode", "library", episodes.update_details,
                                               row_id, {"title": title.strip()}))

    def move_current(self) -> None:
        episode = self.current_episode()
        if episode is None:
            self.ctx.status.emit("Select an episode to move.")
            return
        info = episodes.details(self.ctx.project, episode)
        names = episodes.series_names(self.ctx.project)
        name, ok = QInputDialog.getItem(self, "Move episode", "To series (pick or type a new one):", names,
                                        max(0, names.index(info["series"])) if info["series"] in names else 0,
                                        True)
        if ok and name.strip() and name.strip() != info["series"]:
            self.ctx.undo.push(commands.Update(self.ctx, "Move episode to another series", "library",
                                               episodes.update_details, episode, {"series": name.strip()}))
            self.reveal("episode", episode)

    def delete_current(self) -> None:
        episode = self.current_episode()
        if episode is None:
            self.ctx.status.emit("Select an episode to delete.")
            return
        from annotator.core.names import episode_label

        label = episode_label(self.ctx.project, episode)
        self.ctx.undo.push(commands.DeleteEpisode(self.ctx, episode))
        self.ctx.status.emit(f"Deleted {label} (Ctrl+Z brings it back)")

    def refresh_in_background(self) -> None:
        """The counts query reads every panel, region and coding; on a large team database that
        would freeze typing after each edit, so the refresh that follows edits runs on a worker.
        Only the newest result is shown."""
        self._generation += 1
        generation, project, status = self._generation, self.ctx.project, self.status_filter

        def deliver(infos) -> None:
            if generation == self._generation:
                self._show(infos)

        self.ctx.jobs.run_op(lambda _control: library(project, status), deliver, label="Refreshing the library",
                             visible=False)

    def _on_changed(self, change: Change) -> None:
        """Counts follow edits shortly after; a burst of edits (a vertex drag, an OCR batch)
        costs one refresh, not one per step."""
        if change.kind in COUNTED:
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

        # a failure (media file gone, disk full) reaches the status bar and the log
        self.ctx.jobs.run_op(load, deliver, label=f"Thumbnail of {info.original_filename}", visible=False)
