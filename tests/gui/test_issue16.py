"""The window as a researcher meets it (issue 16): each test drives the window with keys and clicks."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton
from pointer import drag, mouse

from annotator.core import annotate, episodes
from annotator.core.library import library
from annotator.core.seeds import SEEDS_DIR
from annotator.gui.models.tree import KEY_ROLE

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def click(view, point) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, point)
    mouse(view, QEvent.Type.MouseButtonRelease, point, held=False)


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the keyboard focus is, as a user's key goes (the active window if no widget has it)."""
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), k, modifier)


def go_to_page(qtbot, window, wait_jobs, n: int) -> int:
    """PgDown from the first page, as a user pages through the library."""
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Home)
    window.step_page(-999)
    for _ in range(n):
        qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    wait_jobs(window)
    window.view.setFocus()
    return window.editor.page_id


def strip_page(window) -> int:
    return next(p.id for se in library(window.ctx.project) for ep in se.episodes for p in ep.pages
                if p.kind == "strip")


@pytest.mark.slow
def test_cancel_stops_ocr_of_one_long_strip_and_keeps_nothing_of_it(qtbot, window, wait_jobs, tmp_path):
    """Defect 1: Cancel during a one-strip OCR ends the job (its worker is stopped) and stores nothing of it."""
    ctx, bar = window.ctx, window.statusBar()
    # A long WeChat strip (the demo strip three times, 1080 x 35,130): reading it takes many steps.
    from PIL import Image

    from annotator.core.importer import EpisodeSpec, import_pages
    from annotator.gui.changes import Kind

    demo = Image.open(SEEDS_DIR / "demo" / "ep02" / "001.png").convert("RGB")
    tall = Image.new("RGB", (demo.width, demo.height * 3), "white")
    for n in range(3):
        tall.paste(demo, (0, n * demo.height))
    tall.save(tmp_path / "long-strip.png")
    import_pages(ctx.project, [tmp_path / "long-strip.png"], EpisodeSpec(series="Long strips", number=1), workers=1)
    ctx.notify(Kind.LIBRARY)
    window.library.refresh()
    ids = window.library.model.page_ids()
    long_page = next(p.id for se in library(ctx.project) for ep in se.episodes for p in ep.pages
                     if p.kind == "strip" and p.height > 30000)
    page = go_to_page(qtbot, window, wait_jobs, ids.index(long_page))
    assert window.editor.data.page.kind == "strip"
    shutil.rmtree(ctx.project.cache_dir / "ocr", ignore_errors=True)  # only the cancelled page could add one
    before = [(r.id, r.ocr_text, r.ocr_at) for r in annotate.page_data(ctx.project, page).regions]
    seen: list[tuple[int, int, str]] = []
    ctx.jobs.progressed.connect(lambda _label, done, total, name: seen.append((done, total, name)))

    key(qtbot, Qt.Key.Key_O, CTRL | SHIFT)
    qtbot.waitUntil(lambda: any(" 1 of " in name for *_x, name in seen), timeout=120000)  # tiles or line batches
    assert "Long strips · Ep 1 p. 1" in bar.job_label.text() and " of " in bar.job_label.text()
    qtbot.mouseClick(bar.cancel, Qt.MouseButton.LeftButton)
    assert bar.cancel.text() == "Cancelling…" and not bar.cancel.isEnabled()
    assert "Cancelling" in bar.job_label.text()
    wait_jobs(window, timeout=30000)

    assert not any(d == t and "balloons" in name for d, t, name in seen), "the job ended before its last step"
    assert "cancelled" in bar.currentMessage() and "not stored" in bar.currentMessage()
    after = [(r.id, r.ocr_text, r.ocr_at) for r in annotate.page_data(ctx.project, page).regions]
    assert after == before, "nothing half-read was stored"
    assert not list((ctx.project.cache_dir / "ocr").rglob("*.json")), "no cache entry for the cancelled page"
    assert bar.cancel.isHidden()


def test_ctrl_z_right_after_ctrl_enter_or_esc_undoes_the_correction(qtbot, window, wait_jobs):
    """Defect 2: confirming a correction hands the keys back, so Ctrl+Z undoes it in the database."""
    editor, view, ctx = window.editor, window.view, window.ctx
    go_to_page(qtbot, window, wait_jobs, 0)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    region = editor.region(editor.selected()[0][1])
    before = region.text  # None unless the demo's coders already corrected it
    form = window.inspector.region_form
    for finish in ((Qt.Key.Key_Return, CTRL), (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)):
        qtbot.keyClick(view, Qt.Key.Key_Return)
        assert form.text.hasFocus()
        form.text.selectAll()
        qtbot.keyClicks(form.text, "checked text")
        key(qtbot, *finish)
        assert QApplication.focusWidget() is view, "focus is back on the page"
        assert annotate.page_data(ctx.project, editor.page_id).regions[0].text == "checked text"
        key(qtbot, Qt.Key.Key_Z, CTRL)
        assert editor.region(region.id).text == before, "Ctrl+Z undid the correction itself"
        key(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
        assert editor.region(region.id).text == "checked text"
        key(qtbot, Qt.Key.Key_Z, CTRL)
    # In the box with nothing typed yet, Ctrl+Z still reaches the document.
    qtbot.keyClick(view, Qt.Key.Key_Return)
    form.text.selectAll()
    qtbot.keyClicks(form.text, "again")
    key(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert form.text.hasFocus()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert editor.region(region.id).text == before


def test_unchecked_and_checked_regions_look_different_and_A_accepts_the_reading(qtbot, window, wait_jobs):
    """Defect 3: an unchecked region shows an empty box (reading as placeholder); A accepts it."""
    editor, view, library_dock = window.editor, window.view, window.library
    form = window.inspector.region_form
    for n in range(len(library_dock.model.page_ids())):  # the first page with a region nobody has checked
        page = go_to_page(qtbot, window, wait_jobs, n)
        if any(r.text is None and r.ocr_text for r in editor.data.regions):
            break
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    for _ in range(len(editor.data.regions)):  # Tab to that region
        first = editor.region(editor.selected()[0][1])
        if first.text is None and first.ocr_text:
            break
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert first.text is None and first.ocr_text
    assert form.text.toPlainText() == "" and first.ocr_text in form.text.placeholderText()
    assert "not checked" in form.checked.text()
    regions = len(editor.data.regions)
    checked = sum(r.text is not None for r in editor.data.regions)
    cell = library_dock.model.find("page", page, 2)
    assert cell.data() == f"{checked}/{regions} ✓"

    qtbot.keyClick(view, Qt.Key.Key_A)
    assert editor.region(first.id).text == first.ocr_text, "A stored the reading as the checked text"
    assert editor.selected() != [("region", first.id)], "A moved on to the next region"
    qtbot.waitUntil(lambda: library_dock.model.find("page", page, 2).data() == f"{checked + 1}/{regions} ✓")
    qtbot.keyClick(view, Qt.Key.Key_Backtab, SHIFT)
    assert editor.selected() == [("region", first.id)]
    assert form.text.toPlainText() == first.ocr_text and "✓ checked" in form.checked.text()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert editor.region(first.id).text is None


def _fill_import_dialog(qtbot, typed: dict, seen: dict):
    def fill():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, fill)
            return
        seen.update(number=dialog.number.value(), title=dialog.title.text(), series=dialog.series.currentText())
        dialog.series.lineEdit().selectAll()
        qtbot.keyClicks(dialog.series.lineEdit(), typed["series"])
        dialog.number.selectAll()
        qtbot.keyClicks(dialog.number, typed["number"])
        qtbot.keyClicks(dialog.url, typed["url"])
        qtbot.mouseClick(dialog.has_date, Qt.MouseButton.LeftButton, pos=QPoint(4, dialog.has_date.height() // 2))
        dialog.date.setFocus()
        dialog.date.setSelectedSection(dialog.date.Section.YearSection)
        qtbot.keyClicks(dialog.date, "2024")
        dialog.date.setSelectedSection(dialog.date.Section.MonthSection)
        qtbot.keyClicks(dialog.date, "05")
        dialog.date.setSelectedSection(dialog.date.Section.DaySection)
        qtbot.keyClicks(dialog.date, "06")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)


def test_import_dialog_values_reach_the_database_and_the_library_keeps_its_rows(qtbot, window, wait_jobs, tmp_path):
    """Defect 4: importing asks series, number, title, date, URL (prefilled from the name)."""
    from annotator.core.seeds import SEEDS_DIR

    folder = tmp_path / "ep07-the-hotline"
    folder.mkdir()
    for n in (1, 2):
        shutil.copy(SEEDS_DIR / "demo" / "ep01" / f"00{n}.png", folder / f"{n}.png")
    tree, model = window.library.tree, window.library.model
    first_episode = model.find("episode", library(window.ctx.project)[0].episodes[0].id)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(first_episode).center())
    qtbot.keyClick(tree, Qt.Key.Key_Right)  # open the episode
    assert tree.isExpanded(first_episode)
    opened = first_episode.data(KEY_ROLE)

    seen: dict = {}
    _fill_import_dialog(qtbot, {"series": "Hotline stories", "number": "12", "url": "https://example.org/12"}, seen)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    tree.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                              Qt.KeyboardModifier.NoModifier))
    wait_jobs(window)
    assert seen["number"] == 7 and seen["title"] == "The hotline", "prefilled from the folder name"
    assert seen["series"] == "The Secret Special Investigation Division (demo)", "the series being looked at"

    series = next(se for se in library(window.ctx.project) if se.name == "Hotline stories")
    episode = series.episodes[0]
    assert (episode.number, episode.title, episode.source_url, episode.published_on) == (
        12, "The hotline", "https://example.org/12", "2024-05-06")
    assert len(episode.pages) == 2
    qtbot.waitUntil(lambda: model.find("episode", episode.id).isValid())
    assert tree.isExpanded(model.find(*opened)), "the episode the user had open stays open"
    assert tree.currentIndex().data(KEY_ROLE) == ("episode", episode.id), "the new episode is selected"
    assert "Hotline stories · Ep 12 (pp. 1–2)" in window.statusBar().currentMessage()


def _menu_action(window, text: str):
    return next(a for a in window.library.tree.actions() if a.text() == text)


def test_library_menu_moves_renumbers_and_deletes_episodes_with_undo(qtbot, window, wait_jobs):
    """Defect 4: move to another series and delete (undoable) from the library's context menu."""
    tree, model, ctx = window.library.tree, window.library.model, window.ctx
    episode = library(ctx.project)[0].episodes[1]
    index = model.find("episode", episode.id)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center())

    def choose():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, choose)
            return
        combo = dialog.findChild(type(window.inspector.region_form.kind))
        combo.lineEdit().selectAll()
        qtbot.keyClicks(combo.lineEdit(), "Strips")
        qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)

    QTimer.singleShot(0, choose)
    _menu_action(window, "Move to series…").trigger()
    assert episodes.details(ctx.project, episode.id)["series"] == "Strips"
    assert tree.currentIndex().data(KEY_ROLE) == ("episode", episode.id)

    _menu_action(window, "Delete episode").trigger()
    assert all(ep.id != episode.id for se in library(ctx.project) for ep in se.episodes)
    window.activateWindow()  # back from the modal dialog, as the window manager does
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(tree, Qt.Key.Key_Z, CTRL)
    assert any(ep.id == episode.id and len(ep.pages) == len(episode.pages)
               for se in library(ctx.project) for ep in se.episodes)
    qtbot.keyClick(tree, Qt.Key.Key_Z, CTRL)
    assert episodes.details(ctx.project, episode.id)["series"] != "Strips"


def test_regions_join_a_panel_redrawn_over_them_and_hand_panels_have_no_confidence(qtbot, window, wait_jobs):
    """Defect 5: delete a panel, draw a new one over the same area: its regions belong to it."""
    from annotator.gui.canvas.tools import Tool

    editor, view, ctx = window.editor, window.view, window.ctx
    page = go_to_page(qtbot, window, wait_jobs, 0)
    view.actual_size()
    panel = next(p for p in editor.data.panels if any(r.panel_id == p.id for r in editor.data.regions))
    inside = [r.id for r in editor.data.regions if r.panel_id == panel.id]
    x, y, w, h = panel.bbox
    region_boxes = [r.bbox for r in editor.data.regions]
    spot = next((px, py) for px in range(x + 5, x + w, 15) for py in range(y + 5, y + h, 15)
                if not any(rx <= px <= rx + rw and ry <= py <= ry + rh for rx, ry, rw, rh in region_boxes))
    view.centerOn(*spot)
    click(view, spot)
    assert editor.selected() == [("panel", panel.id)]
    assert "found automatically" in window.inspector.panel_form.header.text()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert all(r.panel_id is None for r in annotate.page_data(ctx.project, page).regions if r.id in inside)

    qtbot.keyClick(view, Qt.Key.Key_R)
    view.centerOn(x + w / 2, y + h / 2)
    view.fit_page()
    drag(view, [(x, y), (x + w / 2, y + h / 2), (x + w, y + h)])
    new = next(p for p in annotate.page_data(ctx.project, page).panels
               if p.source == "manual" and abs(p.x - x) < 8 and abs(p.y - y) < 8)
    links = {r.id: r.panel_id for r in annotate.page_data(ctx.project, page).regions}
    assert all(links[r] == new.id for r in inside), "the redrawn panel holds its text regions again"
    assert new.confidence is None
    window.set_tool(Tool.SELECT)
    view.select([("panel", new.id)])
    assert "drawn by hand" in window.inspector.panel_form.header.text()
    assert "confidence" not in window.inspector.panel_form.header.text()


def test_status_names_pages_and_polish(qtbot, window, wait_jobs):
    """Defects 6 and 7: named pages in messages, steady inspector, Tab centring, focus, menus, help."""
    editor, view, inspector = window.editor, window.view, window.inspector
    go_to_page(qtbot, window, wait_jobs, 0)
    key(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    wait_jobs(window)
    assert "Ep 1 p. 1:" in window.statusBar().currentMessage() and "panels" in window.statusBar().currentMessage()

    widths = set()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    widths.add(inspector.width())
    view.select([("panel", editor.data.panels[0].id)])
    widths.add(inspector.width())
    view.select([])
    widths.add(inspector.width())
    assert len(widths) == 1, "the inspector keeps its width whatever is selected"

    # Tab centres the region in the view (a strip at fit width scrolls far).
    ids = window.library.model.page_ids()
    go_to_page(qtbot, window, wait_jobs, ids.index(strip_page(window)))
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    region = editor.region(editor.selected()[0][1])
    rx, ry, rw, rh = region.bbox
    centre = view.mapFromScene(QPointF(rx + rw / 2, ry + rh / 2))
    assert abs(centre.y() - view.viewport().height() / 2) < 0.1 * view.viewport().height()

    # After clicking the library, Tab goes to the page.
    tree = window.library.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(tree.currentIndex()).center())
    qtbot.keyClick(tree, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view

    # The Code menu and F1 name the motifs behind the number keys.
    motif = window.codebook.model.by_shortcut("1")
    assert motif.name in window.actions["tag_1"].text()
    from annotator.gui.dialogs import ShortcutsDialog

    dialog = ShortcutsDialog(window.shortcut_rows(), window)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert any(motif.name in dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount()))
    assert dialog.table.horizontalHeader().length() <= dialog.table.viewport().width()
    dialog.close()

    # The Characters window closes with its Close button.
    key(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    characters = window.characters
    assert characters.isVisible()
    close = next(b for b in characters.findChildren(QPushButton) if b.text().replace("&", "") == "Close")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not characters.isVisible()

    # Help has a manual and an About box.
    window.actions["manual"].trigger()
    manual = next(w for w in QApplication.topLevelWidgets() if w.windowTitle().endswith("Manual") and w.isVisible())
    assert "Cancel" in manual.browser.toPlainText() and "drawn by hand" in manual.browser.toPlainText()
    manual.close()
    assert "about" in window.actions and window.actions["about"].text().replace("&", "").startswith("About")
