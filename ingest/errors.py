"""Errors a person can act on; each message says what happened and what to do."""


class IngestError(Exception):
    """A file could not be read or stored; the message is shown to the user as is."""


class PasswordRequired(IngestError):
    """The PDF is encrypted and no (or a wrong) password was given."""


class ModelMismatch(Exception):
    """The library on disk was built with another embedding model."""
