"""Readers for formats other than PDF; each turns one file into pages with a place a person can find."""
