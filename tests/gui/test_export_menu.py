"""File ▸ Export (Ctrl+Shift+E) opens the export dialog on the current episode."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication


def test_export_action_opens_the_dialog(window, qtbot):
    action = window.actions["export"]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+E")
    assert action in window.menuBar().actions()[0].menu().actions()
    opened = []

    def close_it():
        from annotator.gui.export_dialog import ExportDialog

        dialog = QApplication.activeModalWidget()
        opened.append(dialog)
        if isinstance(dialog, ExportDialog):
            dialog.reject()

    QTimer.singleShot(200, close_it)
    action.trigger()
    assert opened and type(opened[0]).__name__ == "ExportDialog"
    assert opened[0].format.count() >= 9
