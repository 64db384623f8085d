"""The motif tree with colours, shortcuts and coding counts (a parent counts its subtree)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap

from annotator.core import models
from annotator.gui.models.tree import Node, TreeModel


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

    def __init__(self, parent=None):
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}

    def load(self, motifs: list[models.Motif], counts: dict[int, int], needle: str = "") -> None:
        self.set_root(build_tree(motifs, counts, needle))

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
