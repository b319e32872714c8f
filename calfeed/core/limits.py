"""What one user can cost: caps on the work of a render or a dashboard.

20,000 interview events once gave a 126 MB dashboard (13.5 s), an 86 MB feed and 1.57 GB of
peak memory in one web process. Each cap below cuts where the user loses least, and every cut
is said where it happens (the dashboard's message, a Skipped reason for .ics series). Measured
with `bench/bounded.py` (figures in the README).
"""

from __future__ import annotations

#: events of one user a render or the dashboard reads, earliest end first (the recent past and
#: the near future, where follow-ups are due, come first; events a year out are cut first)
MAX_EVENTS_PER_USER = 5_000
#: follow-ups one feed holds: those nearest to now are kept
MAX_FOLLOW_UPS_PER_FEED = 2_000
#: interview cards per dashboard page
DASHBOARD_PAGE = 50
# Cached feed variants need no cap of their own: `web.variants.parse_variant` accepts only the
# known kinds and languages, so a user has at most 3 kind choices x 3 language choices = 9.
