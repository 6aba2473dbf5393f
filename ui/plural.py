"""Texts with a count: English says "1 document" but "2 documents"; Chinese has one form."""


def counted(T: dict[str, str], key: str, count: int, **more: object) -> str:
    """T[key] with {count}, or T[key + "_one"] for one where the language has that form."""
    template = T.get(f"{key}_one", T[key]) if count == 1 else T[key]
    return template.format(count=count, **more)
