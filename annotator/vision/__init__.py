"""Image analysis: loading, panel segmentation, text detection and OCR.

Pure functions on arrays and paths. Nothing here may import Qt or touch the database;
``tests/test_layers.py`` enforces it.
"""
