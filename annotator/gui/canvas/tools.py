"""What the pointer does on the canvas: the current tool and the gesture in progress.

Plain Python, no widgets: the view feeds it page-pixel coordinates and reads back what to
preview and which edit to request, which keeps gestures testable without synthesising mouse
events.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import Enum

Point = tuple[float, float]
MIN_SIZE = 6.0


class Tool(str, Enum):
    SELECT = "select"
    RECT = "rect"
    POLYGON = "polygon"
    SPLIT = "split"
    REGION = "region"


@dataclass
class Drag:
    """A handle or body drag; ``drag_id`` lets the undo stack fold the whole drag into one step."""

    kind: str  # "panel" | "region"
    row_id: int
    handle: int | None  # vertex (panel) or box corner (region); None moves the whole region
    start: Point
    before: list[list[float]]
    drag_id: int


_drag_ids = itertools.count(1)


def rect_points(a: Point, b: Point) -> list[list[float]]:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def big_enough(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) >= MIN_SIZE and abs(a[1] - b[1]) >= MIN_SIZE


@dataclass
class ToolState:
    tool: Tool = Tool.SELECT
    points: list[Point] = field(default_factory=list)  # polygon being drawn, or rect/line anchor
    cursor: Point | None = None
    drag: Drag | None = None
    badge: int | None = None  # panel whose number disc is being dragged to a new reading position

    def set_tool(self, tool: Tool) -> None:
        self.tool = tool
        self.reset()

    def reset(self) -> None:
        self.points = []
        self.cursor = None
        self.drag = None
        self.badge = None

    def start_drag(self, kind: str, row_id: int, handle: int | None, start: Point, outline) -> Drag:
        self.drag = Drag(kind, row_id, handle, start, [list(p) for p in outline], next(_drag_ids))
        return self.drag

    def dragged(self, pos: Point) -> list[list[float]]:
        """The outline the current drag produces with the pointer at ``pos``."""
        drag = self.drag
        dx, dy = pos[0] - drag.start[0], pos[1] - drag.start[1]
        if drag.kind == "panel":
            out = [list(p) for p in drag.before]
            out[drag.handle] = [round(pos[0], 1), round(pos[1], 1)]
            return out
        if drag.handle is None:
            return [[round(x + dx, 1), round(y + dy, 1)] for x, y in drag.before]
        return _resize_box(drag.before, drag.handle, pos)


def _resize_box(outline, corner: int, pos: Point) -> list[list[float]]:
    """Scale an outline so the dragged box corner follows the pointer and the opposite stays put."""
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    fixed = [(x1, y1), (x0, y1), (x0, y0), (x1, y0)][corner]
    moving = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)][corner]
    nx = pos[0] if abs(pos[0] - fixed[0]) >= MIN_SIZE else moving[0]
    ny = pos[1] if abs(pos[1] - fixed[1]) >= MIN_SIZE else moving[1]
    sx = (nx - fixed[0]) / ((moving[0] - fixed[0]) or 1)
    sy = (ny - fixed[1]) / ((moving[1] - fixed[1]) or 1)
    return [[round(fixed[0] + (x - fixed[0]) * sx, 1), round(fixed[1] + (y - fixed[1]) * sy, 1)] for x, y in outline]
