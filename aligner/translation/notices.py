"""Problems the translation stage recovers from (a damaged cache rebuilt, a cache that
cannot be written, a CTranslate2 conversion redone), told once per cause.

They go to the ``aligner`` logger like every other stage's warnings, so the CLI shows
each as one ``aligner: warning: ...`` line; a long run that meets the same broken
cache for every document says so once, not once per document.
"""

from __future__ import annotations

import logging

log = logging.getLogger("aligner")

_WARNED: set[str] = set()


def warn_once(key: str, message: str) -> None:
    """Log ``message`` as a warning unless a message with this ``key`` (the cause,
    e.g. ``cache-damaged:<path>``) was logged before in this process."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    log.warning(message)
