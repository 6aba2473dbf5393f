"""Pages -> chunks: sentence-sized units, merged greedily up to a token budget, whole-sentence overlap."""

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ingest.deadline import Deadline
from ingest.lang import dominant, segment_languages
from ingest.records import Chunk, Page
from ingest.sentences import clauses, paragraphs, sentences, words
from ingest.tables import block_starts

CountTokens = Callable[[str], int]
# A page that ends mid-sentence continues on the next one; otherwise the page break is a
# paragraph break. Chunks stop at page breaks, except inside a sentence that crosses one,
# so that a passage's page is the page its words are on.
PARAGRAPH_JOIN, SENTENCE_JOIN = "\n\n", "\n"
LONGEST_TOKEN = 64
SENTENCE_END = tuple('。！？；….!?;:："”’」』)）]】》')
TABLE_ROW = re.compile(r"^[^\n]* \| [^\n]*$", re.MULTILINE)  # ingest/readers/table.py writes rows so


@dataclass(frozen=True)
class Unit:
    """A sentence, or a piece of a sentence too long for one chunk; never split further."""

    start: int
    end: int
    lang: str
    tokens: int


def split_pages(
    pages: list[Page],
    doc_id: str,
    count_tokens: CountTokens,
    chunk_tokens: int,
    overlap_tokens: int,
    deadline: Deadline | None = None,
) -> list[Chunk]:
    """Chunks of at most `chunk_tokens` tokens over the pages that have text; IngestError
    when `deadline` passes first."""
    if chunk_tokens <= 0 or not 0 <= overlap_tokens < chunk_tokens:
        raise ValueError(f"need 0 <= overlap < chunk size, got overlap={overlap_tokens}, size={chunk_tokens}")
    text, starts, numbers = _join(pages)
    units = split_units(text, count_tokens, chunk_tokens, deadline)
    blocks = sorted(block_starts(text))  # a table block (header row on top) starts a passage
    joinable = [
        i > 0
        and bisect_right(starts, unit.start) == bisect_right(starts, units[i - 1].end - 1)
        and bisect_right(blocks, unit.start) == bisect_right(blocks, units[i - 1].end - 1)
        for i, unit in enumerate(units)
    ]
    ocr = {p.page for p in pages if p.source == "ocr"}
    places = {p.page: p.place for p in pages}
    chunks: list[Chunk] = []
    ranges = merge_units(text, units, joinable, count_tokens, chunk_tokens, overlap_tokens, deadline)
    for first, last, tokens in ranges:
        start, end = units[first].start, units[last].end
        head, tail = bisect_right(starts, start) - 1, bisect_right(starts, end - 1) - 1
        page, page_end = numbers[head], numbers[tail]
        local_start, local_end = start - starts[head], end - starts[tail]
        body = text[start:end]
        lang = dominant([(u.lang, u.end - u.start) for u in units[first : last + 1]])
        chunk_id = hashlib.sha256(f"{doc_id}:{page}:{local_start}:{body}".encode()).hexdigest()
        chunks.append(
            Chunk(
                chunk_id=chunk_id[:20],
                doc_id=doc_id,
                ordinal=len(chunks),
                page=page,
                page_end=page_end,
                start=local_start,
                end=local_end,
                text=body,
                lang=lang,
                tokens=tokens,
                source="ocr" if ocr.intersection(range(page, page_end + 1)) else "text",
                place=span_place(places[page], places[page_end]) if page != page_end else places[page],
            )
        )
    return chunks


def span_place(first: str, last: str) -> str:
    """The place of a passage over two pages' places ("" when pages are the place)."""
    return f"{first} – {last}" if first and last else ""


def _join(pages: list[Page]) -> tuple[str, list[int], list[int]]:
    """One text for the document, with each text page's start offset and number. Pages with a
    place (a slide, a sheet's rows, a section) are whole: no sentence runs across them."""
    text, starts, numbers = "", [], []
    for page in pages:
        if not page.has_text:
            continue
        if text:
            whole = page.place or text.endswith(SENTENCE_END)
            text += PARAGRAPH_JOIN if whole else SENTENCE_JOIN
        starts.append(len(text))
        numbers.append(page.page)
        text += page.text
    return text, starts, numbers


def split_units(
    text: str, count_tokens: CountTokens, budget: int, deadline: Deadline | None = None
) -> list[Unit]:
    """Sentences of each language run, and table rows whole; a sentence over budget is cut
    at clauses, then words."""
    units = []
    for run_start, run_end, lang in segment_languages(text):
        for para_start, para_end in paragraphs(text, run_start, run_end):
            for start, end in rows_and_sentences(text, para_start, para_end, lang):
                units.extend(_fit(text, start, end, lang, count_tokens, budget, 0, deadline))
    return units


def rows_and_sentences(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Each table row line ("a | b | c") as one span, sentences in the text between: a row has
    no sentence end, so it would otherwise run into the next row, and a chunk could end in it."""
    spans: list[tuple[int, int]] = []
    prose = start
    for row in TABLE_ROW.finditer(text, start, end):
        spans += sentences(text, prose, row.start(), lang)
        spans.append((row.start(), row.end()))
        prose = row.end()
    return spans + sentences(text, prose, end, lang)


def _fit(
    text: str,
    start: int,
    end: int,
    lang: str,
    count: CountTokens,
    budget: int,
    level: int,
    deadline: Deadline | None,
) -> list[Unit]:
    if deadline:
        deadline.check("splitting the text into passages")
    # No token is longer than LONGEST_TOKEN characters, so a longer span is over budget
    # without counting it (counting a megabyte-long "sentence" costs seconds).
    tokens = count(text[start:end]) if end - start <= budget * LONGEST_TOKEN else budget + 1
    if tokens <= budget or end - start <= 1:
        return [Unit(start, end, lang, tokens)]
    if level == 0:
        spans = clauses(text, start, end)
    elif level == 1:
        spans = words(text, start, end, lang)
    else:  # one "word" longer than a chunk (a hash, a run of digits): characters
        spans = [(i, i + 1) for i in range(start, end) if not text[i].isspace()]
    if len(spans) <= 1 and level < 2:
        return _fit(text, start, end, lang, count, budget, level + 1, deadline)
    return [unit for s, e in spans for unit in _fit(text, s, e, lang, count, budget, level + 1, deadline)]


def merge_units(
    text: str,
    units: list[Unit],
    joinable: list[bool],
    count: CountTokens,
    budget: int,
    overlap: int,
    deadline: Deadline | None = None,
) -> list[tuple[int, int, int]]:
    """Greedy (first, last, tokens) unit ranges within budget, a unit joining the one before only
    where `joinable` says so; each next range repeats up to `overlap` tokens of whole
    units from the end of the previous one."""
    # Token counts of whole units add up to about the count of their concatenation, so sums
    # choose the ranges and a few real counts per range confirm it. A unit is at least one
    # token whatever a tokenizer says of it alone (some count a short word as 0), so a range
    # chosen by sums holds at most `budget` units and each count stays short: linear time.
    sums = [0]
    for unit in units:
        sums.append(sums[-1] + max(1, unit.tokens))
    ranges: list[tuple[int, int, int]] = []
    first = 0
    while first < len(units):
        if deadline:
            deadline.check("splitting the text into passages")
        last = first
        while last + 1 < len(units) and joinable[last + 1] and sums[last + 2] - sums[first] <= budget:
            last += 1
        last, tokens = _last_within(text, units, first, last, count, budget)
        ranges.append((first, last, tokens))
        if last + 1 == len(units):
            break
        nxt = last + 1
        if not joinable[nxt]:
            first = nxt
            continue
        while nxt - 1 > first and sums[last + 1] - sums[nxt - 1] <= overlap:
            nxt -= 1
        # the overlap must leave room for at least the next new unit
        while nxt <= last and sums[last + 2] - sums[nxt] > budget:
            nxt += 1
        first = nxt
    return ranges


def _last_within(
    text: str, units: list[Unit], first: int, last: int, count: CountTokens, budget: int
) -> tuple[int, int]:
    """The last unit of the longest range from `first` to at most `last` whose real count is
    within budget, and that count: a binary search (log of the range's length counts, not
    one per unit); the range returned was counted, so the budget holds whatever the tokenizer."""
    tokens = _tokens(text, units, first, last, count)
    if tokens <= budget:
        return last, tokens
    good, bad = first, last
    found = _tokens(text, units, first, first, count)  # a single unit fits: _fit cut it so
    while bad - good > 1:
        middle = (good + bad) // 2
        tokens = _tokens(text, units, first, middle, count)
        if tokens <= budget:
            good, found = middle, tokens
        else:
            bad = middle
    return good, found


def _tokens(text: str, units: list[Unit], first: int, last: int, count: CountTokens) -> int:
    return count(text[units[first].start : units[last].end])
