"""Open the library a Settings object points at: its embedder and its store."""

from ingest.embed import Embedder, make_embedder
from ingest.settings import Settings
from ingest.store import Store


def open_library(settings: Settings, check_model: bool = True) -> tuple[Store, Embedder]:
    """The embedder named in settings and the store in the data directory it must match."""
    embedder = make_embedder(settings.embed_model)
    if not check_model:
        return Store.unchecked(settings.data_dir, embedder.name, embedder.dim), embedder
    return Store(settings.data_dir, embedder.name, embedder.dim), embedder
