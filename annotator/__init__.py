"""Comic Panel Annotator: load, segment, read, annotate and compare political comics."""

__version__ = "0.1.0"
