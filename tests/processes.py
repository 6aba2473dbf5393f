"""The processes a test started, read from /proc."""

from pathlib import Path


def children_of(parent: int, zombies: bool = True) -> list[int]:
    """Process ids whose parent is `parent`; `zombies=False` leaves out those already ended."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended while we looked
                continue
            if int(fields[1]) == parent and (zombies or fields[0] != "Z"):
                found.append(int(entry.name))
    return found
