"""How many examples a property test tries, scaled by the loaded hypothesis profile.

A test asks for the examples it needs in the full suite (`make test`, CI); `make check`'s fast
tier loads the "check" profile and tries a tenth or so of each, at least 10.
"""

from __future__ import annotations

from hypothesis import settings

FULL = 100  # the default profiles' max_examples


def examples(wanted: int) -> int:
    """`wanted` examples in the full suite, proportionally fewer under a smaller profile."""
    return max(10, wanted * settings.default.max_examples // FULL)
