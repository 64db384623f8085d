"""Putting things in order: dragging a panel's number disc, dragging motifs in the codebook,
and segmenting or reading a selection of library pages at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pointer import drag

from annotator.core import annotate


def panel_order(ctx, page):
    return [p.id for p in annotate.page_data(ctx.project, page).panels]


def test_drag_number_disc_onto_another_panel_reorders_with_undo(window):
    view, editor, ctx = window.view, window.editor, window.ctx
    page = editor.page_id
    for x in (50, 350, 650):
        outline = [[x, 50], [x + 250, 50], [x + 250, 300], [x, 300]]
        editor.add_panel(outline)  # as the panel tool does once a rectangle is drawn
    view.actual_size()
    view.centerOn(450, 200)
    before = panel_order(ctx, page)
    first, last = before[-3], before[-1]
    disc = view.overlays[("panel", last)].badge_rect().center()
    target = (175, 175)  # inside the first of the three new panels
    steps = ctx.undo.count()
    drag(view, [(disc.x(), disc.y()), (400, 180), target])
    after = panel_order(ctx, page)
    expected = list(before)
    expected.remove(last)
    expected.insert(before.index(first), last)
    assert after == expected
    assert ctx.undo.count() == steps + 1 and ctx.undo.undoText() == "Reorder panels"
    assert view.overlays[("panel", last)].number == after.index(last) + 1, "the disc shows the new number"
    ctx.undo.undo()
    assert panel_order(ctx, page) == before
    ctx.undo.redo()
    assert panel_order(ctx, page) == expected

    drag(view, [(disc.x(), disc.y()), (disc.x() + 3, disc.y() + 3)])  # dropped on itself: nothing happens
    assert ctx.undo.count() == steps + 1


def motif_place(ctx, motif_id):
    from annotator.core import coding

    siblings = {}
    for m in sorted(coding.motifs(ctx.project), key=lambda m: (m.position, m.id)):
        siblings.setdefault(m.parent_id, []).append(m.id)
    parent = next(m.parent_id for m in coding.motifs(ctx.project) if m.id == motif_id)
    return parent, siblings[parent].index(motif_id)


def test_drag_motifs_in_the_codebook_with_undo_and_refusal(qtbot, window, qtmodeltester):
    from annotator.core import coding

    dock, ctx = window.codebook, window.ctx
    model = dock.model
    motifs = coding.motifs(ctx.project)
    child = next(m for m in motifs if m.parent_id is not None)
    group = next(m for m in motifs if m.parent_id is None and m.id != child.parent_id)
    start = motif_place(ctx, child.id)
    steps = ctx.undo.count()

    def drop(motif_id, row, parent_id):
        mime = model.mimeData([model.find("motif", motif_id)])
        parent = model.find("motif", parent_id) if parent_id is not None else model.index(-1, -1)
        return model.dropMimeData(mime, Qt.DropAction.MoveAction, row, 0, parent)

    assert model.flags(model.find("motif", child.id)) & Qt.ItemFlag.ItemIsDragEnabled
    assert drop(child.id, -1, group.id)  # onto a motif: becomes its last child
    assert motif_place(ctx, child.id) == (group.id, len(model.node(model.find("motif", group.id)).children) - 1)
    assert model.node(model.find("motif", child.id)).parent.id == group.id, "the tree shows the move"
    assert ctx.undo.undoText() == "Move motif"
    assert drop(child.id, 0, None)  # between rows at the very top: first top-level motif
    assert motif_place(ctx, child.id) == (None, 0)
    assert model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == model.find("motif", child.id).data()
    qtmodeltester.check(model, force_py=True)
    ctx.undo.undo()
    ctx.undo.undo()
    assert motif_place(ctx, child.id) == start
    assert ctx.undo.count() == steps + 2

    messages = []
    ctx.status.connect(messages.append)
    assert not drop(child.parent_id, -1, child.id)  # a group onto its own sub-motif
    assert not drop(group.id, 0, group.id)
    assert ctx.undo.count() == steps + 2 and motif_place(ctx, child.id) == start
    assert len(messages) == 2 and "under itself" in messages[0]


def select_rows(library, keys):
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection = library.tree.selectionModel()
    selection.clearSelection()
    for kind, row_id in keys:
        selection.select(library.model.find(kind, row_id), flags)


def test_segment_a_selection_of_pages_then_cancel_an_ocr_batch(qtbot, window, wait_jobs):
    library, ctx, bar = window.library, window.ctx, window.statusBar()
    wait_jobs(window)
    pages = library.model.page_ids()
    episode = library.model.episode_of(pages[-1])
    select_rows(library, [("page", pages[0]), ("episode", episode.id)])
    chosen = library.selected_pages()
    assert chosen[0] == pages[0] and chosen[1:] == [p.id for p in episode.pages]
    messages = []
    ctx.status.connect(messages.append)

    window.actions["segment_selection"].trigger()
    assert bar.cancel.isVisible() and bar.job_label.text().startswith("Segmenting")
    wait_jobs(window)
    assert f"{len(chosen)} of {len(chosen)} page(s) done, 0 error(s)" in messages[-1]
    assert all(annotate.page_data(ctx.project, p).panels for p in chosen)
    assert not bar.cancel.isVisible()

    window.actions["ocr_selection"].trigger()
    assert bar.cancel.isVisible()
    qtbot.mouseClick(bar.cancel, Qt.MouseButton.LeftButton)
    wait_jobs(window)
    assert "cancelled" in messages[-1] and "finished and kept" in messages[-1]
    assert not bar.cancel.isVisible()

    library.tree.selectionModel().clearSelection()
    window.actions["ocr_selection"].trigger()
    assert "Select pages" in messages[-1] and not ctx.jobs.busy
