"""Series → episodes → pages, with annotation counts and lazily loaded thumbnails."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage, QPixmap

from annotator.core.library import EpisodeInfo, PageInfo, SeriesInfo
from annotator.gui.models.tree import Node, TreeModel

COUNT_COLUMNS = ("panels", "regions", "codings")


def build_tree(series: list[SeriesInfo]) -> Node:
    root = Node("root", None)
    for se in series:
        s_node = root.add(Node("series", se.id, se))
        for ep in se.episodes:
            e_node = s_node.add(Node("episode", ep.id, ep))
            for page in ep.pages:
                e_node.add(Node("page", page.id, page))
    return root


def _shape(node: Node) -> list:
    return [(c.kind, c.id, _shape(c)) for c in node.children]


class LibraryModel(TreeModel):
    """``request_thumbnail(page_info, deliver)`` is called once per page when it is first shown;
    ``deliver(QImage)`` later puts the thumbnail in place (loading happens off the GUI thread)."""

    headers = ("Page", "Panels", "Text", "Codes")

    def __init__(self, request_thumbnail: Callable[[PageInfo, Callable[[QImage], None]], None] | None = None,
                 parent=None):
        super().__init__(parent)
        self._request = request_thumbnail
        self._icons: dict[int, QIcon] = {}
        self._asked: set[int] = set()

    def load(self, series: list[SeriesInfo]) -> bool:
        """Show a fresh library; counts update in place when the tree's shape is unchanged,
        so the view keeps its selection and expanded episodes. True if the model was reset."""
        root = build_tree(series)
        if _shape(root) != _shape(self.root):
            self.set_root(root)
            return True
        stack = [(self.root, root)]
        last = len(self.headers) - 1
        while stack:
            old, new = stack.pop()
            for row, (o, n) in enumerate(zip(old.children, new.children)):
                if o.payload != n.payload:
                    o.payload = n.payload
                    self.dataChanged.emit(self.createIndex(row, 0, o), self.createIndex(row, last, o))
                stack.append((o, n))
        return False

    def page_ids(self) -> list[int]:
        """Every page in display order (what PgUp/PgDn walk through)."""
        out = []
        for s_node in self.root.children:
            for e_node in s_node.children:
                out.extend(p.id for p in e_node.children)
        return out

    def page_info(self, page_id: int) -> PageInfo | None:
        index = self.find("page", page_id)
        return self.node(index).payload if index.isValid() else None

    def episode_of(self, page_id: int) -> EpisodeInfo | None:
        index = self.find("page", page_id)
        return self.node(index).parent.payload if index.isValid() else None

    def node_data(self, node: Node, column: int, role: int) -> Any:
        info = node.payload
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._label(node)
            counts = info.counts() if node.kind == "episode" else None
            if node.kind == "page":
                counts = {"panels": info.panels, "regions": info.regions, "codings": info.codings,
                          "checked": info.checked}
            if counts is None:
                return None
            if COUNT_COLUMNS[column - 1] == "regions" and counts["regions"]:
                return f"{counts['checked']}/{counts['regions']} ✓"  # checked of all text regions
            return counts[COUNT_COLUMNS[column - 1]]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and node.kind == "page":
            return self._icon(info)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _label(self, node: Node) -> str:
        info = node.payload
        if node.kind == "series":
            return f"{info.name_zh}  {info.name}".strip() if info.name_zh else info.name
        if node.kind == "episode":
            return info.label
        kind = " (strip)" if info.kind == "strip" else ""
        status = f" · {info.status.replace('_', ' ')}" if info.status != "new" else ""
        return f"p. {info.index + 1}{kind}{status}"

    def _tooltip(self, node: Node) -> str:
        info = node.payload
        if node.kind == "series":
            return "\n".join(x for x in (info.name, info.name_zh, info.publisher, info.url) if x)
        if node.kind == "episode":
            c = info.counts()
            lines = [info.title, info.title_zh, info.published_on or "", info.source_url,
                     f"{c['pages']} pages · {c['panels']} panels · {c['regions']} text regions "
                     f"({c['checked']} checked) · {c['codings']} codings"]
            return "\n".join(x for x in lines if x)
        return (f"{info.original_filename}\n{info.width}×{info.height} px\n"
                f"{info.checked} of {info.regions} text regions checked\nstatus: {info.status.replace('_', ' ')}")

    def _icon(self, info: PageInfo) -> QIcon | None:
        icon = self._icons.get(info.id)
        if icon is None and self._request is not None and info.id not in self._asked:
            self._asked.add(info.id)
            self._request(info, lambda image, page_id=info.id: self._deliver(page_id, image))
        return icon

    def _deliver(self, page_id: int, image: QImage) -> None:
        self._icons[page_id] = QIcon(QPixmap.fromImage(image))
        index = self.find("page", page_id)
        if index.isValid():
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
