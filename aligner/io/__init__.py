"""The input/output edge: reading inputs, writing reports, caches and model locations.

- :mod:`.reading`: decoding and checking input files (encodings, binary data, HTML);
- :mod:`.output`: safe report writing (never over an input, atomic, signals);
- :mod:`.cache`: the cache directory, atomic writes, file locks, checksums;
- :mod:`.hub`: model resolution (local path, Hugging Face cache, hub) and device checks;
- :mod:`.sentence_files`: the ``sentences`` command (plain or presegmented files);
- :mod:`.pretokenized`: the ``words`` command (``source ||| target`` lines).
"""
