"""The in-process embedder on each torch device, side by side in one run: where the model
actually sits, passages per second, and how close its vectors are to the CPU's:
    python -m bench.devices ../shared/data/bench/xquad_mixed --model MODEL --devices cpu,cuda
A "default" row is always added: the device the product picks when RAG_DEVICE is empty.
Imports only numpy, torch (through sentence-transformers) and ingest.embed, so that it runs on
a bare GPU host.
"""

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ingest.embed import SentenceTransformerEmbedder, make_embedder

BATCH = 16  # RAG_EMBED_BATCH's default: the passages the product hands the embedder at a time
DEFAULT = "default"  # the row of RAG_DEVICE="" (torch picks)


@dataclass(frozen=True)
class Row:
    """One device's figures."""

    device: str  # as asked ("" shown as "default")
    placed_on: str  # where the model's weights actually are
    dtype: str
    passages_per_s: float
    cosine_min: float  # against the reference device's vector of the same passage
    cosine_mean: float
    norm_min: float  # the product searches by inner product, so every vector must be unit length
    norm_max: float


def passages(folder: Path, limit: int | None, at_least: int) -> list[str]:
    """The passage texts of a benchmark set (corpus.jsonl), repeated until there are `at_least`."""
    with (folder / "corpus.jsonl").open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines][:limit]
    if not texts:
        raise ValueError(f"no passages in {folder / 'corpus.jsonl'}")
    repeats = max(1, -(-at_least // len(texts)))
    return texts * repeats


def embed(embedder: SentenceTransformerEmbedder, texts: list[str], batch: int) -> tuple[float, np.ndarray]:
    """(passages per second, vectors), `batch` at a time as the product's ingest does, after
    one warm-up batch (the first call pays for CUDA's start and kernel loading)."""
    embedder.embed_passages(texts[:batch])
    start = time.perf_counter()
    parts = [embedder.embed_passages(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    return len(texts) / (time.perf_counter() - start), np.concatenate(parts)


def load(model: str, device: str, float32: bool) -> SentenceTransformerEmbedder:
    """The product's own in-process embedder for `model` on `device` ("" lets torch pick)."""
    embedder = make_embedder(model, device)
    if not isinstance(embedder, SentenceTransformerEmbedder):
        raise ValueError(f"--model must be a sentence-transformers model, got {model!r}")
    if float32:
        embedder.model.float()  # a float16 copy stands in for its float32 original
    return embedder


def measure(model: str, devices: list[str], texts: list[str], batch: int, float32: bool) -> list[Row]:
    """One row per device, and the default's last; vectors are compared with the first device's."""
    rows: list[Row] = []
    reference: np.ndarray | None = None
    for device in [*devices, ""]:
        embedder = load(model, device, float32)
        rate, vectors = embed(embedder, texts, batch)
        reference = vectors if reference is None else reference
        cosines = np.sum(vectors * reference, axis=1)
        norms = np.linalg.norm(vectors, axis=1)
        placed = embedder.model.device
        rows.append(
            Row(device or DEFAULT, str(placed), str(embedder.model.dtype), rate,
                float(cosines.min()), float(cosines.mean()), float(norms.min()), float(norms.max()))
        )  # fmt: skip
        del embedder
    return rows


def gpu_name() -> str:
    import torch  # already loaded by sentence-transformers

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.devices", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a benchmark set with corpus.jsonl")
    parser.add_argument("--model", required=True, help="a sentence-transformers model id or folder")
    parser.add_argument("--devices", default="cpu", help="comma-separated torch devices, the reference first")
    parser.add_argument("--limit", type=int, help="only the first N passages of the corpus")
    parser.add_argument("--at-least", type=int, default=0, help="repeat the corpus up to N passages")
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--float32", action="store_true", help="run a float16 copy in float32")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    if not devices or args.batch <= 0:
        parser.error(f"need at least one device and a batch > 0, got {args.devices!r} and {args.batch}")
    texts = passages(args.folder, args.limit, args.at_least)
    rows = measure(args.model, devices, texts, args.batch, args.float32)
    report = {"model": args.model, "passages": len(texts), "batch": args.batch, "gpu": gpu_name(),
              "default_placed_on": rows[-1].placed_on}  # fmt: skip
    if args.json:
        print(json.dumps({**report, "rows": [asdict(r) for r in rows]}, indent=1))
        return
    print(f"{report['passages']} passages, batches of {args.batch}, GPU: {report['gpu'] or 'none'}")
    header = f"{'device':<8} {'placed on':<9} {'dtype':<14} {'passages/s':>10}"
    print(f"{header}  cosine vs {devices[0]} min/mean  norm min/max")
    for r in rows:
        print(f"{r.device:<8} {r.placed_on:<9} {r.dtype:<14} {r.passages_per_s:>10.1f}  "
              f"{r.cosine_min:.6f} / {r.cosine_mean:.6f}  {r.norm_min:.4f} / {r.norm_max:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
