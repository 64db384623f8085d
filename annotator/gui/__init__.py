"""The PySide6 desktop window. Everything here is a view over ``annotator.core`` services."""
