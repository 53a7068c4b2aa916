"""``python -m analysis``: the workbench's command line."""

import sys

from analysis.pipeline.cli import main

sys.exit(main())
