"""``python -m analysis``: the workbench's command line."""

import sys

from .cli import main

sys.exit(main())
