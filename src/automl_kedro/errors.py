"""Errors a user can act on: one message naming the problem and what to do."""


class AutoMLInputError(ValueError):
    """Bad input (file, column, parameter): the message says what is wrong and how to fix it."""


class ParameterError(AutoMLInputError):
    """A parameter is unknown, missing or of the wrong type."""
