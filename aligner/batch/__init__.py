"""``aligner batch``: many source/rendition pairs, resumable, on local worker
processes or a Ray cluster.

- :mod:`.manifest`: the CSV/JSONL manifest of pairs;
- :mod:`.keys`: the resume key of a pair (input hashes + model signature);
- :mod:`.content_cache`: embeddings and translations cached by content in a worker;
- :mod:`.worker`: one worker: models loaded once, one pair -> one result line;
- :mod:`.backends`: local processes or Ray actors running workers;
- :mod:`.results`: results.jsonl (append-safe journal, then ordered) and results.parquet;
- :mod:`.runner`: the whole run, with progress.
"""

from __future__ import annotations
