"""``python -m playground``: the same as the ``backprop-playground`` command."""

import sys

from .cli import main

sys.exit(main())
