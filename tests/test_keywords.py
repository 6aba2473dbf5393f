"""The keyword index searched by many threads at once, as the page's sessions do."""

import sys
import threading

from ingest.keywords import KeywordIndex, keyword_tokens

WORDS = ["river", "tea", "moon", "report", "revenue", "长江", "绿茶", "月亮", "报告", "收入"]


ROWS = 20_000


def token_lists() -> list[list[str]]:
    shapes = [
        keyword_tokens(" ".join(WORDS[(i + j) % len(WORDS)] for j in range(8))) for i in range(len(WORDS))
    ]
    return [shapes[i % len(WORDS)] + [f"code{i}"] for i in range(ROWS)]


def test_the_first_searches_of_a_new_index_can_run_at_once():
    """The first search builds the postings: a thread arriving meanwhile must see them whole
    (it once read a half-built index and failed with AttributeError)."""
    errors: list[BaseException] = []
    tokens = token_lists()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(10):
            index = KeywordIndex.empty().add(list(range(1, ROWS + 1)), tokens)
            start = threading.Barrier(8)

            def search(index: KeywordIndex = index, start: threading.Barrier = start) -> None:
                start.wait()
                try:
                    assert index.search("revenue 收入", 5)
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=search) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert not errors, errors[:3]
