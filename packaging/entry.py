"""Entry point of the frozen app: the same as the ``backprop-playground`` command."""

import multiprocessing
import sys

from playground.cli import main

if __name__ == "__main__":
    # a frozen program re-runs itself for multiprocessing children; this makes that work
    multiprocessing.freeze_support()
    sys.exit(main())
