"""The motif tree with colours, shortcuts and coding counts (a parent counts its subtree).

Motifs can be dragged within the tree. The model never writes: a drop becomes a
``moveRequested`` signal that the codebook dock turns into an undoable move, and the tree is
rebuilt from the stored codebook afterwards, like after any other edit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap

from annotator.core import models
from annotator.gui.models.tree import Node, TreeModel

MIME = "application/x-annotator-motif"


def matches(motif: models.Motif, needle: str) -> bool:
    haystack = " ".join(map(str, [motif.name, motif.name_zh, motif.description, *motif.keywords_en,
                                  *motif.keywords_zh]))  # YAML may give a keyword like 12339 as a number
    return needle.casefold() in haystack.casefold()


def build_tree(motifs: list[models.Motif], counts: dict[int, int], needle: str = "") -> Node:
    """The codebook tree; with a search ``needle`` only matches, their ancestors and their
    subtrees remain (searching a group shows what it holds)."""
    if needle.strip():
        by_id = {m.id: m for m in motifs}
        hits = {m.id for m in motifs if matches(m, needle.strip())}

        def lineage(m):
            while m is not None:
                yield m.id
                m = by_id.get(m.parent_id)

        keep = set()
        for m in motifs:
            chain = list(lineage(m))
            if m.id in hits:
                keep.update(chain)
            elif hits.intersection(chain):
                keep.add(m.id)
        motifs = [m for m in motifs if m.id in keep]
    root = Node("root", None)
    nodes = {m.id: Node("motif", m.id, {"motif": m, "count": 0}) for m in motifs}
    for m in sorted(motifs, key=lambda m: (m.position, m.id)):
        parent = nodes.get(m.parent_id, root)
        parent.add(nodes[m.id])

    def total(node: Node) -> int:
        node.payload["count"] = counts.get(node.id, 0) + sum(total(c) for c in node.children)
        return node.payload["count"]

    for child in root.children:
        total(child)
    return root


class CodebookModel(TreeModel):
    headers = ("Motif", "Key", "Codings")
    moveRequested = Signal(int, object, object)  # motif id, new parent id or None, position or None
    moveRefused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}
        self.filtered = False

    def load(self, motifs: list[models.Motif], counts: dict[int, int], needle: str = "") -> None:
        self.filtered = bool(needle.strip())
        self.set_root(build_tree(motifs, counts, needle))

    # -- drag and drop ----------------------------------------------------------------------

    def flags(self, index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # empty space below the tree: top level
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        mime = QMimeData()
        ids = {self.node(i).id for i in indexes if i.isValid()}
        if len(ids) == 1:
            mime.setData(MIME, QByteArray(str(ids.pop()).encode()))
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return action == Qt.DropAction.MoveAction and data.hasFormat(MIME)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        """Dropped on a motif: it becomes the last child; between rows: it goes exactly there.
        Under a search filter the visible rows are not all the siblings, so it goes last."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        motif_id = int(bytes(data.data(MIME)).decode())
        moved = self._by_key.get(("motif", motif_id))
        target = self.node(parent.siblingAtColumn(0) if parent.isValid() else QModelIndex())
        if moved is None:
            return False
        ancestor = target
        while ancestor is not None:
            if ancestor is moved:
                name = moved.payload["motif"].name
                self.moveRefused.emit(f"Cannot move “{name}” under itself or one of its own sub-motifs.")
                return False
            ancestor = ancestor.parent
        position = None if row < 0 or self.filtered else row
        if position is not None and moved.parent is target and moved.row < position:
            position -= 1  # the row was counted with the moved motif still in place
        self.moveRequested.emit(motif_id, target.id, position)
        return True

    def motif(self, motif_id: int) -> models.Motif | None:
        index = self.find("motif", motif_id)
        return self.node(index).payload["motif"] if index.isValid() else None

    def by_shortcut(self, key: str) -> models.Motif | None:
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if str(node.payload["motif"].shortcut) == key:
                return node.payload["motif"]
            stack.extend(node.children)
        return None

    def _icon(self, colour: str) -> QIcon:
        if colour not in self._icons:
            pixmap = QPixmap(14, 14)
            pixmap.fill(QColor(colour))
            self._icons[colour] = QIcon(pixmap)
        return self._icons[colour]

    def node_data(self, node: Node, column: int, role: int) -> Any:
        motif: models.Motif = node.payload["motif"]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{motif.name_zh}  {motif.name}" if motif.name_zh else motif.name
            if column == 1:
                return motif.shortcut or None
            return node.payload["count"]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icon(motif.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            keywords = ", ".join(map(str, list(motif.keywords_zh) + list(motif.keywords_en)))
            return "\n".join(x for x in (motif.name, motif.name_zh, motif.description, keywords) if x)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
