"""Change notices are typed: views get a Change, and a misspelt kind fails where it is sent."""

from __future__ import annotations

import pytest

from annotator.gui.changes import COUNTED, Change, Kind


def test_notices_reach_views_as_changes(window):
    seen = []
    window.ctx.changed.connect(seen.append)
    page = window.editor.page_id
    window.editor.add_panel([[10, 10], [210, 10], [210, 110], [10, 110]])
    assert seen[-1] == Change(Kind.PANEL, page) and seen[-1].on_page(page) and not seen[-1].on_page(page + 1)
    window.ctx.undo.undo()
    assert seen[-1] == Change(Kind.PANEL, page)
    with pytest.raises(ValueError):
        window.ctx.notify("panels", page)  # a typo is an error, not a notice nobody hears
    assert Change(Kind.LIBRARY).on_page(page) and Kind.PAGE in COUNTED and Kind.CHARACTER not in COUNTED
