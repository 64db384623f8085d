"""The agreement dialog: computed from the menu, coloured by alpha, a disagreement opens its panel."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core import models


def test_agreement_dialog_lists_motifs_and_jumps_to_a_disagreement(qtbot, window):
    window.actions["agreement"].trigger()
    dialog = window.agreement
    qtbot.waitUntil(dialog.isVisible)
    names = [dialog.coders.item(i).text() for i in range(dialog.coders.count())]
    assert {"Lin", "Morgan"} <= set(names)
    for i in range(dialog.coders.count()):  # only the two demo coders
        item = dialog.coders.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in ("Lin", "Morgan") else Qt.CheckState.Unchecked)
    qtbot.keyClicks(dialog.episodes, "1-3")
    qtbot.keyClick(dialog.episodes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0)
    motifs = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    row = motifs.index("Foreign-looking agents")
    assert dialog.table.item(row, 4).text() == f"{dialog.report.motifs[row].alpha:.3f}"
    dialog.table.setCurrentCell(row, 0)
    assert dialog.disagreements.count() == len(dialog.report.motifs[row].disagreements) > 0
    item = dialog.disagreements.item(0)
    assert item.text().startswith("Ep ")
    rect = dialog.disagreements.visualItemRect(item)
    qtbot.mouseClick(dialog.disagreements.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.disagreements.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page_id, kind, unit_id = item.data(Qt.ItemDataRole.UserRole)
    qtbot.waitUntil(lambda: window.editor.page_id == page_id)
    assert window.editor.selected() == [(kind, unit_id)]
    with window.ctx.project.session() as s:
        assert s.get(models.Panel, unit_id).page_id == page_id

