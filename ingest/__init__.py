"""The write path: files -> pages -> language-aware chunks -> embeddings -> the library on disk."""
