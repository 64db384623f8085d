"""The main window: wires docks, canvas, menus and shortcuts together, and nothing more."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QUndoView, QWidget

from annotator.core import episodes
from annotator.core.importer import EpisodeSpec
from annotator.gui import commands, layers, operations
from annotator.gui import help as help_pages
from annotator.gui.app import apply_theme, application
from annotator.gui.codebook_dock import CodebookDock
from annotator.gui.dialogs import EpisodeDialog, ImportDialog, SettingsDialog, ShortcutsDialog
from annotator.gui.inspector import InspectorDock
from annotator.gui.canvas.tools import Tool
from annotator.gui.canvas.view import PageView
from annotator.gui.context import AppContext
from annotator.gui.editor import PageEditor
from annotator.gui.library_dock import LibraryDock
from annotator.gui.live import LiveUpdates
from annotator.gui.search_dock import SearchDock
from annotator.gui.status import JobStatusBar


class MainWindow(QMainWindow):
    openProjectRequested = Signal(str)
    closed = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Comic Panel Annotator — {ctx.project.root.name}")
        self.resize(1400, 900)
        self.view = PageView(self)
        self.setCentralWidget(self.view)
        self.editor = PageEditor(ctx, self.view, self)
        self.library = LibraryDock(ctx, self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.library)
        self.inspector = InspectorDock(ctx, self.editor, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector)
        self.codebook = CodebookDock(ctx, self.editor, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.codebook)
        self.search = SearchDock(ctx, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.search)
        self.search.hide()
        self.search.hitChosen.connect(self.open_hit)
        self.characters = None
        self.agreement = None
        self.comparison = None
        self.history = QDockWidget("Undo history", self)
        self.history.setObjectName("history")
        self.history.setWidget(QUndoView(ctx.undo))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.history)
        self.history.hide()
        self.setStatusBar(JobStatusBar(ctx, self))
        self.library.pageActivated.connect(self.editor.open_page)
        self.editor.pageShown.connect(self._page_shown)
        self.library.episodeActivated.connect(self.edit_episode)
        self.library.tree.filesDropped.connect(self.import_paths)
        self.view.stepRequested.connect(self.editor.step_region)
        self.view.editRequested.connect(self.inspector.edit_text)
        self.actions: dict[str, QAction] = {}
        self._build_menus()
        self.live = LiveUpdates(ctx, self)  # other coders' edits show up without reopening
        QWidget.setTabOrder(self.library.tree, self.view)  # Tab from the library goes to the page
        state = ctx.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:  # room for about fifteen motifs under the inspector
            self.resizeDocks([self.inspector, self.codebook], [460, 420], Qt.Orientation.Vertical)

    # -- menus ----------------------------------------------------------------------------

    def action(self, key: str, text: str, slot, shortcut=None, menu=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        act.triggered.connect(lambda *_: slot())
        self.addAction(act)
        if menu is not None:
            menu.addAction(act)
        self.actions[key] = act
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.action("open", "&Open project…", self._open_project, QKeySequence.StandardKey.Open, file)
        self.recent_menu = file.addMenu("Recent projects")
        self.action("import", "&Import files…", self._import_files, "Ctrl+I", file)
        self.action("import_folder", "Import &folder…", self._import_folder, None, file)
        self.action("episode", "&Episode details…", self.edit_episode, "Ctrl+E", file)
        self.action("characters", "&Characters…", self.show_characters, "Ctrl+Shift+C", file)
        self.action("export", "E&xport…", self.show_export, "Ctrl+Shift+E", file)
        self.action("settings", "&Settings…", self.edit_settings, QKeySequence.StandardKey.Preferences, file)
        file.addSeparator()
        self.action("quit", "&Quit", self.close, QKeySequence.StandardKey.Quit, file)

        edit = bar.addMenu("&Edit")
        undo = self.ctx.undo.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.ctx.undo.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addActions([undo, redo])
        self.actions["undo"], self.actions["redo"] = undo, redo
        edit.addSeparator()
        self.action("delete", "&Delete selection", self.editor.delete_selected, "Delete", edit)
        self.action("merge", "&Merge panels", self.editor.merge_selected, "M", edit)
        self.action("earlier", "Panel &earlier in reading order", lambda: self.editor.move_selected_panel(-1), "[",
                    edit)
        self.action("later", "Panel &later in reading order", lambda: self.editor.move_selected_panel(1), "]", edit)
        self.action("accept_ocr", "&Accept the OCR reading as checked, go to the next region",
                    self.editor.accept_reading, "A", edit)
        edit.addAction(self.history.toggleViewAction())
        edit.addSeparator()
        self.action("search", "&Search texts, memos, speakers and motifs…", self.search.focus_query, "Ctrl+F", edit)

        view = bar.addMenu("&View")
        self.action("fit_page", "Fit &page", self.view.fit_page, "Ctrl+0", view)
        self.action("fit_width", "Fit &width", self.view.fit_width, "Ctrl+9", view)
        self.action("actual_size", "&Actual size", self.view.actual_size, "Ctrl+1", view)
        self.action("zoom_in", "Zoom &in", lambda: self.view.zoom_by(1.25), QKeySequence.StandardKey.ZoomIn, view)
        self.action("zoom_out", "Zoom &out", lambda: self.view.zoom_by(0.8), QKeySequence.StandardKey.ZoomOut, view)
        self.action("compare", "&Compare episodes…", self.show_comparison, "Ctrl+Shift+M", view)
        self.docks_menu = view.addMenu("Docks")
        for dock in (self.library, self.inspector, self.codebook, self.history, self.search):
            self.docks_menu.addAction(dock.toggleViewAction())

        tools = bar.addMenu("&Tools")
        for key, text, shortcut in (
            (Tool.SELECT, "&Select and edit", "V"),
            (Tool.RECT, "&Rectangle panel", "R"),
            (Tool.POLYGON, "&Polygon panel", "P"),
            (Tool.SPLIT, "Split panel with a &line", "S"),
            (Tool.REGION, "&Text region", "T"),
        ):
            act = self.action(f"tool_{key.value}", text, lambda k=key: self.set_tool(k), shortcut, tools)
            act.setCheckable(True)
        self.set_tool(Tool.SELECT)

        page = bar.addMenu("&Page")
        self.action("prev_page", "&Previous page", lambda: self.step_page(-1), "PgUp", page)
        self.action("next_page", "&Next page", lambda: self.step_page(1), "PgDown", page)
        page.addSeparator()
        self.action("segment", "&Segment page", self.segment_page, "Ctrl+Shift+S", page)
        self.action("segment_episode", "Segment &episode", self.segment_episode, None, page)
        self.action("ocr", "&OCR page", self.ocr_page, "Ctrl+Shift+O", page)
        self.action("ocr_regions", "OCR selected &regions", self.ocr_selected, None, page)
        self.action("ocr_episode", "OCR e&pisode", self.ocr_episode, None, page)
        page.addSeparator()
        self.action("segment_selection", "Segment pages selected in the &library", self.segment_selection,
                    "Ctrl+Alt+S", page)
        self.action("ocr_selection", "OCR pages selected in the li&brary", self.ocr_selection, "Ctrl+Alt+O", page)
        self.library.tree.addActions([self.actions[k] for k in ("segment_selection", "ocr_selection")])
        layers.install_status_controls(self.library, self.ctx)
        code = bar.addMenu("&Code")
        for digit in "123456789":
            self.action(f"tag_{digit}", f"Tag with motif {digit}", lambda d=digit: self.codebook.tag_shortcut(d),
                        digit, code)
        self.action("tag", "Tag with the &selected motif", self.codebook.tag_current, "Ctrl+T", code)
        code.addSeparator()
        self.action("agreement", "&Agreement between coders…", self.show_agreement, "Ctrl+Shift+K", code)
        self.codebook.codesChanged.connect(self._name_motif_keys)
        self._name_motif_keys()

        help_menu = bar.addMenu("&Help")
        self.action("shortcuts", "&Keyboard shortcuts", self.show_shortcuts, "F1", help_menu)
        self.action("manual", "&Manual", lambda: help_pages.show_manual(self), None, help_menu)
        self.action("about", "&About Comic Panel Annotator", lambda: help_pages.show_about(self), None, help_menu)
        self.menus = {"file": file, "edit": edit, "view": view, "tools": tools, "page": page, "code": code}
        self._fill_recent()

    def _name_motif_keys(self) -> None:
        """The Code menu and F1 say which motif each number key tags."""
        for digit in "123456789":
            self.actions[f"tag_{digit}"].setText(self.codebook.shortcut_name(digit).replace("&", "&&"))

    def set_tool(self, tool: Tool) -> None:
        self.view.set_tool(tool)
        for key in Tool:
            self.actions[f"tool_{key.value}"].setChecked(key == tool)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.ctx.settings.value("recent", []) or []:
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda *_, p=path: self.openProjectRequested.emit(p))

    # -- pages ----------------------------------------------------------------------------

    def _page_shown(self, page_id: int) -> None:
        self.library.select_page(page_id)
        self.ctx.settings.setValue(f"last_page/{self.ctx.project.root}", page_id)

    def open_hit(self, hit) -> None:
        """A search hit: its page, its region selected, the matched characters highlighted."""
        self.editor.open_page(hit.page_id)
        self.view.select([("region", hit.region_id)])
        self.inspector.highlight(hit.field, hit.spans)

    def step_page(self, step: int) -> None:
        ids = self.library.model.page_ids()
        if not ids:
            return
        current = self.editor.page_id
        index = ids.index(current) + step if current in ids else 0
        self.editor.open_page(ids[max(0, min(len(ids) - 1, index))])

    def _episode_pages(self) -> list[int]:
        episode = self.library.model.episode_of(self.editor.page_id) if self.editor.page_id else None
        return [p.id for p in episode.pages] if episode else []

    def segment_page(self) -> None:
        if self.editor.page_id:
            operations.segment(self.ctx, [self.editor.page_id])

    def segment_episode(self) -> None:
        if self._episode_pages():
            operations.segment(self.ctx, self._episode_pages())

    def ocr_page(self) -> None:
        if self.editor.page_id:
            operations.ocr(self.ctx, [self.editor.page_id])

    def ocr_episode(self) -> None:
        if self._episode_pages():
            operations.ocr(self.ctx, self._episode_pages())

    def _selected_pages(self) -> list[int]:
        pages = self.library.selected_pages()
        if not pages:
            self.ctx.status.emit("Select pages, episodes or a series in the library first (Shift/Ctrl+click).")
        return pages

    def segment_selection(self) -> None:
        pages = self._selected_pages()
        if pages:
            operations.segment(self.ctx, pages)

    def ocr_selection(self) -> None:
        pages = self._selected_pages()
        if pages:
            operations.ocr(self.ctx, pages)

    def ocr_selected(self) -> None:
        regions = [k[1] for k in self.editor.selected() if k[0] == "region"]
        if regions:
            operations.ocr_regions(self.ctx, self.editor.page_id, regions)

    # -- dialogs --------------------------------------------------------------------------

    def edit_episode(self, episode_id: int | None = None) -> None:
        episode_id = episode_id or self.library.current_episode()
        if episode_id is None:
            return
        details = episodes.details(self.ctx.project, episode_id)
        details["series_names"] = episodes.series_names(self.ctx.project)
        dialog = EpisodeDialog(details, self)
        if dialog.exec() and dialog.changes():
            self.ctx.undo.push(commands.Update(self.ctx, "Edit episode details", "library",
                                               episodes.update_details, episode_id, dialog.changes()))
            self.library.reveal("episode", episode_id)

    def edit_settings(self) -> None:
        project = self.ctx.project
        values = {"coder": self.ctx.coder_name, "theme": str(self.ctx.settings.value("theme", "light")),
                  "ocr_engine": project.setting("ocr_engine"), "direction": project.setting("direction", "auto")}
        from annotator.core.ocr_service import available_engines

        dialog = SettingsDialog(values, available_engines(), self)
        if not dialog.exec():
            return
        new = dialog.values()
        self.ctx.settings.setValue("coder", new["coder"])
        self.ctx.settings.setValue("theme", new["theme"])
        project.set_setting("ocr_engine", new["ocr_engine"])
        project.set_setting("direction", new["direction"])
        apply_theme(application(), new["theme"])

    def show_characters(self) -> None:
        from annotator.gui.characters import CharactersDialog

        if self.characters is None:
            self.characters = CharactersDialog(self.ctx, self.editor, self)
        self.characters.show()
        self.characters.raise_()

    def show_agreement(self) -> None:
        from annotator.gui.agreement import AgreementDialog

        if self.agreement is None:
            self.agreement = AgreementDialog(self.ctx, self)
            self.agreement.openUnitRequested.connect(self.open_unit)
        self.agreement.show()
        self.agreement.raise_()

    def open_unit(self, page_id: int, kind: str, unit_id: int) -> None:
        """Show a page with one panel or region selected (from the agreement or comparison window)."""
        self.editor.open_page(page_id)
        self.editor.view.select([(kind, unit_id)])
        self.raise_()
        self.activateWindow()

    def show_comparison(self) -> None:
        from annotator.gui.compare_window import ComparisonWindow

        if self.comparison is None:
            self.comparison = ComparisonWindow(self.ctx, self)
            self.comparison.openPanelRequested.connect(self.open_panel)
        self.comparison.show()
        self.comparison.raise_()

    def open_panel(self, page_id: int, panel_id: int | None) -> None:
        """Show a page (from the comparison window) with the panel selected."""
        if panel_id is None:
            self.editor.open_page(page_id)
            self.raise_()
            self.activateWindow()
        else:
            self.open_unit(page_id, "panel", panel_id)

    def show_export(self) -> None:
        from annotator.gui.export_dialog import ExportDialog

        ExportDialog(self.ctx, self.library.current_episode(), self).exec()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", ""))
                for a in self.actions.values() if not a.shortcut().isEmpty()]
        rows += [("Tab / Shift+Tab", "Next / previous text region in reading order"),
                 ("Enter", "Edit the selected region's text (Ctrl+Enter or Esc finishes)"),
                 ("Ctrl+wheel", "Zoom"), ("Esc", "Cancel the shape being drawn"),
                 ("Double-click / Enter", "Finish a polygon panel"), ("Ctrl+click", "Select several panels"),
                 ("Drag a number disc", "Move the panel to another panel's place in reading order"),
                 ("Shift/Ctrl+click in the library", "Select pages or episodes to segment or OCR together")]
        return rows

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_rows(), self).exec()

    # -- files ----------------------------------------------------------------------------

    def _open_project(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open project")
        if path:
            self.openProjectRequested.emit(path)

    def _import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import pages", "",
            "Pages (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.zip *.cbz *.pdf);;All files (*)")
        if paths:
            self.import_paths(paths)

    def _import_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder of pages")
        if path:
            self.import_paths([path])

    def import_paths(self, paths: list[str]) -> None:
        """Ask where the pages go (prefilled from the file or folder name), then import them."""
        project = self.ctx.project
        names = episodes.series_names(project)
        current = self.library.tree.currentIndex()
        series = ""
        while current.isValid():  # the series the user is looking at, else the only one
            node = self.library.model.node(current)
            series = node.payload.name if node.kind == "series" else series
            current = current.parent()
        series = series or (names[0] if len(names) == 1 else "")
        folder = paths[0] if len(paths) == 1 else str(Path(paths[0]).parent)
        dialog = ImportDialog(paths, names, series, episodes.guess_from_name(folder),
                              lambda name: episodes.next_number(project, name) if name else 1, self)
        if not dialog.exec():
            return
        v = dialog.values()
        spec = EpisodeSpec(series=v["series"], number=v["number"], title=v["title"] or None, url=v["url"] or None,
                           published_on=v["published_on"])
        operations.import_paths(self.ctx, paths, spec,
                                on_done=lambda report: report.episode_id and self.library.reveal(
                                    "episode", report.episode_id))

    def closeEvent(self, event) -> None:
        """Every edit is already stored; closing only stops background jobs first."""
        self.ctx.settings.setValue("window/state", self.saveState())
        self.live.close()
        self.ctx.jobs.shutdown()
        super().closeEvent(event)
        self.closed.emit()
