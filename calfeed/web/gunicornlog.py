"""gunicorn's logger with masked lines: `logger_class` in gunicorn.conf.py (see `logmask`)."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.glogging import Logger

from calfeed.logmask import install


class MaskingGunicornLogger(Logger):
    """Every handler gunicorn sets up (error log, access log) and the root's get the filter
    (calfeed's own root handler is masked by `middleware.init_logging` when the app starts)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        install(self.error_log)
        install(self.access_log)
        install(logging.getLogger())
