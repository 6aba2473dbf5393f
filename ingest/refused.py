"""A request the library refuses (a weak password, a taken name): a code and its parameters,
so that the page can say why in the person's language; the English message for the CLI."""


class Refused(ValueError):
    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params
