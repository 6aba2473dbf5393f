"""文档问答 web page: upload files into the library and search it. Lays out; the library does the work."""

import tempfile
from pathlib import Path

import streamlit as st

from ingest.embed import Embedder
from ingest.errors import IngestError, ModelMismatch
from ingest.load import SUPPORTED
from ingest.pipeline import add_file
from ingest.settings import Settings, load_settings
from ingest.store import Store
from rag.retrieve import Retriever, open_retriever


@st.cache_resource
def library() -> tuple[Settings, Store, Embedder, Retriever]:
    """One embedder, store and retriever per server process, shared by every browser session."""
    settings = load_settings()
    retriever = open_retriever(settings)
    return settings, retriever.store, retriever.embedder, retriever


def ingest_upload(name: str, data: bytes, settings: Settings, store: Store, embedder: Embedder) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        added = add_file(path, store, embedder, settings.chunk_tokens, settings.chunk_overlap)
    doc = added.document
    note = "" if added.new else " (already in the library)"
    return f"{doc.name}: {doc.pages} pages, {doc.chunks} chunks, {doc.lang or '?'}{note}"


st.set_page_config(page_title="文档问答 · Document Q&A", layout="wide")
st.title("文档问答 · Document Q&A")
try:
    settings, store, embedder, retriever = library()
except ModelMismatch as exc:
    st.error(str(exc))
    st.stop()

uploads = st.file_uploader(
    "PDF, .txt, .md", type=[s.lstrip(".") for s in SUPPORTED], accept_multiple_files=True
)
done: dict[str, str] = st.session_state.setdefault("done", {})
for upload in uploads or []:
    key = f"{upload.name}:{upload.size}"
    if key not in done:
        with st.spinner(f"indexing {upload.name}…"):
            try:
                done[key] = "✅ " + ingest_upload(upload.name, upload.getvalue(), settings, store, embedder)
            except IngestError as exc:
                done[key] = f"❌ {upload.name}: {exc}"
    st.write(done[key])

st.caption(f"{len(store.documents())} documents in the library")
if query := st.text_input("Search / 搜索"):
    for n, hit in enumerate(retriever.search(query, k=5), 1):
        st.markdown(f"**[{n}] {hit.doc}, p. {hit.page}** · {hit.score:.2f}")
        st.text(hit.text)
