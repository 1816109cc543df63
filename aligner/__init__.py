"""aligner: show what changed when a text was translated or re-told in another language.

The package is a library first: every stage of the pipeline (reading, segmentation,
translation, embedding, sentence alignment, word alignment, difference finding,
reporting) lives in its own module and can be used without the command line::

    import aligner
    models = aligner.load_models()
    result = aligner.compare(pathlib.Path("fr.txt"), pathlib.Path("en.txt"), models=models)
    result.findings, result.to_json(), result.to_html()

The public names below are imported on first use (PEP 562), and heavy dependencies
(torch, transformers) inside functions, so ``import aligner`` and ``aligner --help``
stay instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import compare, load_models
    from .pipeline import Comparison, Models
    from .reports.model import Report
    from .structures import Finding

# Public name -> the module that defines it.
_LAZY = {
    "compare": ".api",
    "load_models": ".api",
    "Comparison": ".pipeline",
    "Models": ".pipeline",
    "Report": ".reports.model",
    "Finding": ".structures",
}

__all__ = ["Comparison", "Finding", "Models", "Report", "__version__", "compare", "load_models"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
