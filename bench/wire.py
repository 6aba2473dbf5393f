"""Passages per second through a served embedding model and the same model in-process, side by
side in one run, and how far apart their vectors are:
    python -m bench wire ../shared/data/bench/xquad_mixed --base-url URL --model MODEL
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ingest.embed import Embedder, make_embedder
from ingest.pipeline import embed_in_batches
from ingest.remote_embed import RemoteEmbedder


def passages(folder: Path, limit: int) -> list[str]:
    """The passage texts of a benchmark set (corpus.jsonl)."""
    with (folder / "corpus.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines][:limit]


def measure(embedder: Embedder, texts: list[str], batch: int) -> tuple[float, np.ndarray]:
    """(passages per second, vectors), after one warm-up batch."""
    embedder.embed_passages(texts[:batch])
    start = time.perf_counter()
    vectors = embed_in_batches(embedder, texts, batch)
    return len(texts) / (time.perf_counter() - start), vectors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a benchmark set with corpus.jsonl")
    parser.add_argument("--base-url", required=True, help="the embedding server, e.g. http://host:8000/v1")
    parser.add_argument("--model", required=True, help="the model it serves, also run in-process")
    parser.add_argument("--limit", type=int, default=480)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--in-flight", type=int, default=4)
    args = parser.parse_args(argv)
    texts = passages(args.folder, args.limit)
    local_rate, local = measure(make_embedder(args.model), texts, args.batch)
    served = RemoteEmbedder(args.base_url, args.model, in_flight=args.in_flight)
    remote_rate, remote = measure(served, texts, args.batch)
    cosines = np.sum(local * remote, axis=1)
    print(
        f"{len(texts)} passages, batches of {args.batch}, {args.in_flight} requests in flight\n"
        f"in-process: {local_rate:.1f} passages/s\nserved:     {remote_rate:.1f} passages/s\n"
        f"cosine served vs in-process: min {cosines.min():.6f}, mean {cosines.mean():.6f}"
    )


if __name__ == "__main__":
    main()
