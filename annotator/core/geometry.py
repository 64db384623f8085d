"""Moved to :mod:`annotator.geometry` (vision uses it too, and vision may not import core).

Kept so code written against ``annotator.core.geometry`` still imports; new code imports
``from annotator import geometry``.
"""

from annotator.geometry import *  # noqa: F401,F403
from annotator.geometry import __all__  # noqa: F401
