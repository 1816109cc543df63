"""Errors a user can act on.

``InputError`` is the one exception the command line turns into a single line on
stderr and exit code 2; anything else is a bug and keeps its traceback (shown with
``--debug``).
"""


class InputError(Exception):
    """Bad input from the user: missing or unreadable file, binary data, empty text,
    unknown language, an output path that would overwrite an input."""


class ModelUnavailable(Exception):
    """A model could not be resolved (offline, not cached). Callers that can go on
    without the model catch this and warn once."""
