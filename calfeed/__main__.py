"""`python -m calfeed ...`: the `calfeed` command without an installed console script.

Deployments install only the locked dependencies (requirements.txt) and run calfeed from the
checkout, so the Procfile's release step uses this (`python -m calfeed db upgrade`).
"""

import sys

from calfeed.cli import run

sys.exit(run())
