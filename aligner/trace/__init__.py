"""``aligner trace``: one source's claims followed through several renditions.

- :mod:`.claims`: the source's claims (content clauses of non-debris sentences);
- :mod:`.status`: the status of one claim in one pair's comparison (pure);
- :mod:`.additions`: what each rendition added, alone or with others;
- :mod:`.matrix`: the whole trace, embedding the source once.
"""

from __future__ import annotations

from .claims import Claim, TraceParams, source_claims
from .status import STATUSES, Cell, claim_status

__all__ = ["STATUSES", "Cell", "Claim", "TraceParams", "claim_status", "source_claims"]
