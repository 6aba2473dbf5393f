"""Generated hostile inputs for the ingestion bench: text without sentence ends, text in
legacy encodings, bidi overrides, and PDF pages of the largest size a PDF allows."""

import random

from ingest.textclean import clean_page_text

WORDS = "the of and to in a is that for it as was with be by on not he this are or from at which".split()
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就"
    "分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
)
WESTERN = "Thérèse préférait Genève, où Agnès étudiait la façade. Größe und Übermaß; naïveté. "
CHINESE = "长江是中国最长的河流，全长约六千三百公里。黄河是中国第二长的河流。"
TRADITIONAL = "長江是中國最長的河流，全長約六千三百公里。黃河是中國第二長的河流。"
BIDI = "invoice \u202egpj.exe\u202c paid \u2066to\u2069 us. "


def unpunctuated(rng: random.Random, size: int) -> str:
    """Lowercase words and no sentence end, like a machine transcript: `size` characters."""
    return " ".join(rng.choice(WORDS) for _ in range(size // 3))[:size]


def texts(rng: random.Random) -> list[tuple[str, bytes, str | None]]:
    """(file name, bytes, the text it must be stored as, or None when only speed matters)."""
    return [
        ("unpunctuated-en-1MB.txt", unpunctuated(rng, 1_000_000).encode(), None),
        ("unpunctuated-zh-300k.txt", "".join(rng.choice(HANZI) for _ in range(300_000)).encode(), None),
        ("windows-1252.txt", (WESTERN * 200).encode("cp1252"), WESTERN * 200),
        ("gbk.txt", (CHINESE * 200).encode("gb18030"), CHINESE * 200),
        ("big5.txt", (TRADITIONAL * 200).encode("big5"), TRADITIONAL * 200),
        ("short-gbk.txt", "你好，世界".encode("gb18030"), "你好，世界"),
        ("bidi.txt", (BIDI * 50).encode(), BIDI.replace("\u202e", "").replace("\u202c", "")
         .replace("\u2066", "").replace("\u2069", "") * 50),
    ]  # fmt: skip


def expected_text(text: str) -> str:
    return clean_page_text(text)


def huge_page_pdf(side_pt: int = 14_400, lines: int = 2_000) -> bytes:
    """A one-page PDF of `side_pt` x `side_pt` points (14,400 is the most PDF allows) full of text."""
    rows = b"".join(b"BT /F1 6 Tf 10 %d Td (line %d of a very large page) Tj ET\n" % (side_pt - 8 * i - 10, i)
                    for i in range(lines))  # fmt: skip
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>" % (side_pt, side_pt),
        b"<< /Length %d >>\nstream\n" % len(rows) + rows + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (1 is the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
