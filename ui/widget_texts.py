"""Streamlit's own texts that no widget parameter sets (the file uploader's "Upload", "50MB per
file" and, while a file is dragged over it, "Drag and drop files here"), in the interface
language: the built-in text is hidden by CSS and the translation drawn in its place.
Multiselects take theirs as `placeholder`."""

import json

import streamlit as st

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'
DRAGGING = f"{DROPZONE} > div:not([data-testid]) > span:only-child"  # the overlay while a file is dragged


def css(T: dict[str, str], max_file_mb: float) -> str:
    def text(key: str, **values: object) -> str:
        return json.dumps(T[key].format(**values), ensure_ascii=False)  # a CSS string: quoted, \" escaped

    limit = text("uploader_limit", mb=f"{max_file_mb:g}")
    return f"""<style>
{DROPZONE} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
{DROPZONE} button [data-testid="stMarkdownContainer"] p::after {{
  content: {text("uploader_button")}; font-size: 0.875rem; }}
{INSTRUCTIONS} span {{ font-size: 0; }}
{INSTRUCTIONS} span::after {{ content: {limit}; font-size: 0.875rem; }}
{DRAGGING} {{ font-size: 0; }}
{DRAGGING}::after {{ content: {text("uploader_drop")}; font-size: 0.875rem; }}
</style>"""


def translate_widgets(T: dict[str, str], max_file_mb: float) -> None:
    st.html(css(T, max_file_mb))
