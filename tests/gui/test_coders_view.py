"""Whose work is on screen: every coding names its coder; show all, mine, one coder, or where coders differ."""

from __future__ import annotations

from annotator.core import coding


def _labels(box) -> list[str]:
    return [box.list.item(i).text() for i in range(box.list.count())]


def _choose(box, data) -> None:
    index = box.coders.findData(data)
    assert index >= 0
    box.coders.setCurrentIndex(index)
    box.coders.activated.emit(index)


def test_inspector_names_coders_and_filters_their_codings(qtbot, window):
    editor = window.editor
    first_page = window.library.model.page_ids()[0]
    editor.open_page(first_page)
    third = editor.data.panels[2]  # demo ep. 1 p. 1 panel 3: Lin and Morgan disagree on one motif
    editor.view.select([("panel", third.id)])
    box = window.inspector.panel_form.codings
    labels = _labels(box)
    assert any(label.endswith("· Lin") for label in labels) and any(label.endswith("· Morgan") for label in labels)
    names = {v: k for k, v in coding.coder_names(window.ctx.project).items()}

    _choose(box, "differ")
    assert _labels(box) == [label for label in labels if "Undercover officers" in label]
    _choose(box, names["Morgan"])
    assert _labels(box) and all(label.endswith("· Morgan") for label in _labels(box))
    _choose(box, "mine")
    assert _labels(box) == []  # the signed-in coder ("tester") has not tagged it yet
    window.actions["tag_1"].trigger()
    assert [label.endswith("· tester") for label in _labels(box)] == [True]
    _choose(box, "all")
    assert len(_labels(box)) == len(labels) + 1


def test_a_coder_signs_in_once_by_name(qtbot, tmp_path):
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    from annotator.gui.app import sign_in

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)

    def answer(text: str, accept: bool = True):
        def fill():
            dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
            dialog.setTextValue(text)
            dialog.accept() if accept else dialog.reject()
        QTimer.singleShot(50, fill)

    answer("", accept=False)
    assert sign_in(settings) is None and not settings.value("coder")
    answer("  Lin  ")
    assert sign_in(settings) == "Lin" and settings.value("coder") == "Lin"
    assert sign_in(settings) == "Lin"  # asked once: the name is remembered
