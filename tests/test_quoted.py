"""Evidence on screen: only the quoted sentences marked, on the page that holds them, tables
drawn as rows."""

from ingest.records import Page
from tests.safety import problems
from ui.quoted import STYLE, marked_units, pages_of, passage_html

PASSAGE = (
    "The company was founded in Boston. It sold 1,200 solar panels in 2021.\n"
    "It hired twelve engineers. Revenue grew by 15 percent."
)


def test_only_the_quoted_sentence_is_marked():
    answer = "[Extractive answer] The sentences...\n\n> It sold 1,200 solar panels in 2021. [1]"
    marked = marked_units(PASSAGE, "en", answer, 1)
    assert [PASSAGE[u.start : u.end] for u in marked] == ["It sold 1,200 solar panels in 2021."]
    html = passage_html(PASSAGE, "en", marked)
    assert html.count("<mark>") == 1 and "<mark>It sold 1&#44;200" not in html
    assert "1,200 solar panels in 2021&#46;</mark>" in html and problems(html, True) == []
    assert marked_units(PASSAGE, "en", answer, 2) == []  # nothing carries [2]


def test_a_quote_on_the_second_page_of_a_passage_draws_the_second_page():
    pages = [
        Page(3, "Annual report. The company was founded in Boston.", "text"),
        Page(4, "It sold 1,200 solar\npanels in 2021.", "text"),
    ]
    assert pages_of(["It sold 1,200 solar panels in 2021."], pages, 3, 4) == {
        4: ["It sold 1,200 solar panels in 2021."]
    }
    assert pages_of(["not on any page"], pages, 3, 4) == {3: ["not on any page"]}


def test_a_table_read_one_cell_per_line_is_drawn_as_rows():
    table = "Item\n2023\n2022\nNet sales\n10,208.6\n8,630.9\nCost of sales\n6,114.2\n5,201.7"
    html = passage_html(table, "en", [])
    assert html.count("<br>") == 2  # three rows, not nine lines
    assert html.startswith('<div class="passage">') and "overflow-y:auto" in STYLE
