"""The domain: tables, the project store and the services every front end calls.

Nothing in ``annotator.core`` may import Qt; ``tests/test_layers.py`` enforces it.
"""
