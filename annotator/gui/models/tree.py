"""A small read-only tree model over plain Python nodes, rebuilt from core queries.

Library and codebook both show a tree fetched in one query; keeping the tree in Python nodes
(not QStandardItems) lets each model answer ``data`` from the core's own dataclasses and
find an index by (kind, id) without walking Qt items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(eq=False)
class Node:
    kind: str
    id: int | None
    payload: Any = None
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)

    def add(self, child: "Node") -> "Node":
        child.parent = self
        self.children.append(child)
        return child

    @property
    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class TreeModel(QAbstractItemModel):
    headers: tuple[str, ...] = ("Name",)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.root = Node("root", None)
        self._by_key: dict[tuple[str, int], Node] = {}

    # -- building ---------------------------------------------------------------------

    def set_root(self, root: Node) -> None:
        self.beginResetModel()
        self.root = root
        self._by_key = {}
        stack = list(root.children)
        while stack:
            node = stack.pop()
            self._by_key[(node.kind, node.id)] = node
            stack.extend(node.children)
        self.endResetModel()

    def keys(self) -> list[tuple[str, int]]:
        """(kind, id) of every row, for views that remember which rows were open or selected."""
        return list(self._by_key)

    def node(self, index: QModelIndex | QPersistentModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    def find(self, kind: str, node_id: int, column: int = 0) -> QModelIndex:
        node = self._by_key.get((kind, node_id))
        return self.createIndex(node.row, column, node) if node is not None else QModelIndex()

    def node_data(self, node: Node, column: int, role: int) -> Any:
        raise NotImplementedError

    # -- QAbstractItemModel -------------------------------------------------------------

    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self.node(parent).children[row])

    def parent(self, index=QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self.node(index).parent
        if node is None or node is self.root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == KEY_ROLE:
            return (node.kind, node.id)
        return self.node_data(node, index.column(), role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def flags(self, index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
