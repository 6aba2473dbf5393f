"""Open the library a Settings object points at: its embedder and its store."""

from ingest.embed import Embedder, make_embedder
from ingest.milvus import Passages
from ingest.milvus_store import MilvusStore
from ingest.remote_embed import RemoteEmbedder
from ingest.settings import Settings
from ingest.store import Store


def embedder_of(settings: Settings) -> Embedder:
    """The served model when settings name a server, the in-process one otherwise."""
    if settings.embed_base_url:
        return RemoteEmbedder(
            settings.embed_base_url, settings.embed_model, settings.embed_api_key,
            settings.embed_timeout, settings.embed_in_flight,
        )  # fmt: skip
    return make_embedder(settings.embed_model, settings.device)


def open_library(settings: Settings, check_model: bool = True) -> tuple[Store, Embedder]:
    """The embedder named in settings and the store in the data directory it must match."""
    embedder = embedder_of(settings)
    if settings.index == "milvus":
        name, dim = settings.milvus_collection, embedder.dim
        passages = Passages.open(settings.milvus_address, settings.milvus_token, name, dim)
        return MilvusStore(settings.data_dir, embedder.name, dim, passages, check_model), embedder
    if not check_model:
        return Store.unchecked(settings.data_dir, embedder.name, embedder.dim), embedder
    store = Store(settings.data_dir, embedder.name, embedder.dim)
    if store.index_kind() == "milvus":  # its local index files are empty: every answer would be
        raise ValueError(
            f"the library in {settings.data_dir} keeps its passages in Milvus: set RAG_INDEX=milvus "
            "(and RAG_MILVUS_URI), or copy them back with python -m ingest migrate --to local"
        )
    return store, embedder
