"""An item delegate that wraps long names onto more lines instead of cutting them off.

Qt's views only wrap text inside the height the delegate asked for, and the default size hint
does not know the column's width; this one measures the text at the column's real width, and
the view re-measures when the column is resized.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QTreeView


class WrapDelegate(QStyledItemDelegate):
    def __init__(self, view: QTreeView, column: int = 0):
        super().__init__(view)
        self.view, self.column = view, column
        view.setWordWrap(True)
        view.setUniformRowHeights(False)
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        view.setItemDelegateForColumn(column, self)
        view.header().sectionResized.connect(self._resized)

    def _resized(self, section: int, _old: int, _new: int) -> None:
        if section == self.column:
            self.view.doItemsLayout()

    def sizeHint(self, option, index) -> QSize:
        base = super().sizeHint(option, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.view.columnWidth(self.column) - self.view.indentation() * (depth + 1)
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            icon = self.view.iconSize().width()
            width -= (icon if icon > 0 else self.view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)) + 8
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if width <= 20 or not text:
            return base
        margin = self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) * 2 + 12
        rect = option.fontMetrics.boundingRect(QRect(0, 0, width - margin, 10000), int(Qt.TextFlag.TextWordWrap),
                                               text)
        return QSize(base.width(), max(base.height(), rect.height() + 6))
