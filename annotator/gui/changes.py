"""Change notices: after every write the context broadcasts one :class:`Change`, and each view
reloads only what it shows. Typed (an enum and a page id) so a misspelt kind fails where it is
sent instead of silently matching no listener."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    PANEL = "panel"
    REGION = "region"
    CODING = "coding"
    APPEARANCE = "appearance"
    CHARACTER = "character"
    MOTIF = "motif"
    PAGE = "page"
    LIBRARY = "library"  # episodes, pages or their counts: the library tree


# what changes the numbers the library and codebook show (pages, panels, regions, codings)
COUNTED = frozenset({Kind.LIBRARY, Kind.PAGE, Kind.PANEL, Kind.REGION, Kind.CODING})


@dataclass(frozen=True)
class Change:
    kind: Kind
    page_id: int | None = None  # None: not tied to one page (or several pages)

    def on_page(self, page_id: int | None) -> bool:
        """Might this change alter what a view of ``page_id`` shows?"""
        return self.page_id is None or self.page_id == page_id
