"""``python -m playground.bench``: the bench without the app's command line around it."""

import sys

from . import main

sys.exit(main())
