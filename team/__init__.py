"""The team around the library: users and their collections (who may see what), passwords,
API tokens, saved conversations and the audit log."""
