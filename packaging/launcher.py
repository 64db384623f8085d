"""Entry point of the one-folder build (PyInstaller runs this file as ``__main__``)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the batch runner spawns worker processes from this same executable
    from annotator.cli import main

    sys.exit(main())
