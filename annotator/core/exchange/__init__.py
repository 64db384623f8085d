"""Exchange with other tools: what exporters read (``view``) and what importers write (``apply``).

Exporters live beside the others in ``annotator.core.export``; readers of foreign files
(PAGE, ALTO, Web Annotation, REFI-QDA codebooks) live here and all end in ``apply``, so an
import is one transaction through the same editing services as the GUI.
"""
