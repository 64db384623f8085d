"""The cast list: one row per character, Chinese name first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from annotator.core import models


class CharactersModel(QAbstractListModel):
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[models.Character] = []

    def load(self, characters: list[models.Character]) -> None:
        self.beginResetModel()
        self.rows = list(characters)
        self.endResetModel()

    def row_of(self, character_id: int) -> int:
        return next((i for i, c in enumerate(self.rows) if c.id == character_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{c.name_zh}  {c.name}" if c.name_zh else c.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(x for x in (c.role, c.affiliation, c.description) if x)
        if role == self.ID_ROLE:
            return c.id
        return None
