"""`python -m calfeed.cli`: the same as the `calfeed` console script."""

import sys

from calfeed.cli import main

sys.exit(main())
