"""Guards for ZIP-based Office files (.docx, .pptx, .xlsx), checked before any library parses
them: a ZIP bomb is refused by the sizes its directory declares (Python's zipfile never
inflates a member past its declared size), and XML with entity declarations (billion laughs)
is refused outright, since Office XML never declares any."""

import re
import zipfile
from pathlib import Path

from ingest.errors import IngestError

MAX_MEMBERS = 20_000
MAX_UNCOMPRESSED = 1_000_000_000  # all members together, inflated
MAX_MEMBER = 300_000_000  # one member, inflated
MAX_RATIO = 200  # inflated / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 5_000_000
DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
BLOCK = 1 << 20


def check_package(path: Path, kind: str) -> None:
    """Refuse an Office file that is not a ZIP, would inflate to too much, or declares XML entities."""
    if not zipfile.is_zipfile(path):
        raise IngestError(
            f"not a {kind} file (it is not a ZIP package); it may be damaged or renamed",
            "not_package",
            kind=kind,
        )
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            _check_sizes(members, kind)
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _check_xml(package, member, kind)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise IngestError(
            f"the {kind} package is damaged ({exc})", "package_damaged", kind=kind, detail=exc
        ) from exc


def _check_sizes(members: list[zipfile.ZipInfo], kind: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise IngestError(
            f"the {kind} package holds {len(members):,} parts, over the limit of {MAX_MEMBERS:,}",
            "package_too_large", kind=kind,
        )  # fmt: skip
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise IngestError(
            f"the {kind} package would inflate to {total / 1e6:,.0f} MB, over the limit of "
            f"{MAX_UNCOMPRESSED / 1e6:,.0f} MB (a ZIP bomb, or too large to read here)",
            "package_too_large", kind=kind,
        )  # fmt: skip
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > MAX_MEMBER or (m.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise IngestError(
                f"the part {m.filename!r} of the {kind} package would inflate to "
                f"{m.file_size / 1e6:,.0f} MB from {m.compress_size / 1e6:,.1f} MB (a ZIP bomb?)",
                "package_too_large", kind=kind,
            )  # fmt: skip


def _check_xml(package: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str) -> None:
    with package.open(member) as handle:
        tail = b""
        while block := handle.read(BLOCK):
            if DTD.search(tail + block):
                raise IngestError(
                    f"the part {member.filename!r} of the {kind} file declares XML entities, which "
                    "Office files never do (an entity-expansion attack?)",
                    "xml_entities", kind=kind,
                )  # fmt: skip
            tail = block[-16:]
