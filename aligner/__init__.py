"""aligner: show what changed when a text was translated or re-told in another language.

The package is a library first: every stage of the pipeline (reading, segmentation,
translation, embedding, sentence alignment, word alignment, difference finding,
reporting) lives in its own module and can be used without the command line.
Heavy dependencies (torch, transformers) are imported inside functions so that
``import aligner`` and ``aligner --help`` stay instant.
"""

__version__ = "0.1.0"
