"""Labels for documents in pickers and tables: two documents may share a name."""

from ingest.records import Document


def doc_labels(T: dict[str, str], documents: list[Document]) -> dict[str, str]:
    """A label per document id that tells documents with one name apart: collection, date and
    size, and the id itself where even those agree."""
    labels = {
        d.doc_id: T["doc_label"].format(
            name=d.name,
            collection=d.collection,
            added=d.added_at.replace("T", " ")[:16],
            size=size_text(d.size),
        )
        for d in documents
    }
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {i: f"{label} · {i[:8]}" if seen[label] > 1 else label for i, label in labels.items()}


def size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} KB"
