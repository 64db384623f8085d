"""Suggested speakers in the inspector: the top three, each confirmed with one key (Alt+1..3).

Suggestions are computed on a worker (the tail and figure search reads the page image) and
shown as buttons; nothing is stored until the coder confirms one, which is an undo step that
sets the speaker and records every shown suggestion as accepted or rejected. Picking another
speaker in the combo box records them all as rejected.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.core import annotate, speakers
from annotator.core.revisions import acting
from annotator.gui.commands import Edit
from annotator.gui.context import AppContext

REASONS = {"tail": "tail", "dialogue": "dialogue", "present": "in panel", "frequency": "speaks often"}


class ConfirmSpeaker(Edit):
    """Make a suggested character the speaker; the suggestions' fate is recorded once, not on redo."""

    kind = "region"

    def __init__(self, ctx: AppContext, region_id: int, page_id: int | None, character_id: int,
                 shown: list[speakers.Suggestion]):
        super().__init__(ctx, "Confirm suggested speaker", page_id)
        self.region_id, self.character_id, self.shown = region_id, character_id, list(shown)
        self.before: dict | None = None

    def apply(self) -> None:
        if self.before is None:
            self.before = speakers.confirm(self.project, self.region_id, self.character_id, self.shown,
                                           self.ctx.coder_name)
        else:
            annotate.update_region(self.project, self.region_id, speaker_id=self.character_id)

    def revert(self) -> None:
        with acting(self.ctx.coder_name, "reverted"):
            annotate.update_region(self.project, self.region_id, **self.before)


class SuggestionBox(QWidget):
    def __init__(self, ctx: AppContext, editor, parent=None):
        super().__init__(parent)
        self.ctx, self.editor = ctx, editor
        self.region_id: int | None = None
        self.shown: list[speakers.Suggestion] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        for rank in range(1, 4):
            button = QPushButton()
            button.setToolTip(f"Confirm this speaker (Alt+{rank})")
            button.clicked.connect(lambda _checked=False, r=rank: self.confirm(r))
            button.hide()
            row.addWidget(button)
            self.buttons.append(button)
            shortcut = QShortcut(QKeySequence(f"Alt+{rank}"), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda r=rank: self.confirm(r))
        layout.addLayout(row)
        layout.addWidget(self.status)

    def show_region(self, region) -> None:
        if region.id == self.region_id and region.speaker_id is None and self.shown:
            return  # already shown; a refresh after another edit must not ask again
        self.region_id = region.id
        self.shown = []
        for button in self.buttons:
            button.hide()
        if region.speaker_id is not None or region.kind not in ("speech", "thought"):
            self.status.setText("")
            return
        self.status.setText("Looking for the speaker…")
        region_id, project = region.id, self.ctx.project
        self.ctx.jobs.run_op(lambda _control: speakers.suggest(project, region_id),
                             lambda found, rid=region_id: self._deliver(rid, found),
                             on_error=lambda *_: self.status.setText("No suggestion (the page could not be read)."),
                             visible=False)

    def _deliver(self, region_id: int, found: list[speakers.Suggestion]) -> None:
        if region_id != self.region_id:
            return  # the selection moved on
        self.shown = found
        for rank, button in enumerate(self.buttons, start=1):
            if rank <= len(found):
                sug = found[rank - 1]
                why = ", ".join(REASONS[r] for r in sug.reasons[:2])
                button.setText(f"{rank}. {sug.name}")
                button.setToolTip(f"Alt+{rank}: confirm {sug.name} ({why}; score {sug.score:.2f})")
                button.show()
            else:
                button.hide()
        self.status.setText("Alt+1..3 confirms; not stored until then" if found
                            else "No suggestion: add characters first (File → Characters).")

    def confirm(self, rank: int) -> None:
        if self.region_id is None or rank > len(self.shown) or not self.isVisible():
            return
        chosen = self.shown[rank - 1]
        self.editor.push(ConfirmSpeaker(self.ctx, self.region_id, self.editor.page_id, chosen.character_id,
                                        self.shown))
        self.shown = []

    def chosen_elsewhere(self, character_id: int | None) -> None:
        """The coder set the speaker in the combo box: the shown suggestions were passed over or taken."""
        if self.shown and self.region_id is not None:
            speakers.record(self.ctx.project, self.region_id, character_id, self.shown, self.ctx.coder_name)
            self.shown = []
