"""Search hits as a table: where (series, episode, page, panel), which field, and the context line."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.search import Hit, SearchResult

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
FIELD_LABELS = {"text": "Text", "translation": "Translation", "memo": "Memo", "character": "Speaker",
                "motif": "Motif"}


def where(hit: Hit) -> str:
    series = f"{hit.series} · " if hit.series else ""
    panel = f" · panel {hit.panel}" if hit.panel else ""
    return f"{series}ep {hit.episode if hit.episode is not None else '?'} · p. {hit.page}{panel}"


class SearchModel(QAbstractTableModel):
    headers = ("Where", "Field", "In context")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: SearchResult | None = None

    @property
    def hits(self) -> list[Hit]:
        return self.result.hits if self.result else []

    def set_result(self, result: SearchResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.DisplayRole:
            return (where(hit), FIELD_LABELS.get(hit.field, hit.field), hit.context)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [hit.text]
            if hit.translation:
                lines.append(hit.translation)
            if hit.speaker:
                lines.append(f"Speaker: {hit.speaker}")
            if hit.motifs:
                lines.append("Motifs: " + ", ".join(hit.motifs))
            return "\n".join(lines)
        return None
