"""Word spaces the OCR recognizer dropped are put back from its character boxes, only where
they stand apart, only between Latin letters or digits, only inside long space-free runs."""

from ingest.rapid import lines_text
from ingest.word_spaces import spaced


def boxes_of(words: list[str], gap: float = 5, word_gap: float = 20, width: float = 18, height: float = 33):
    """Character boxes as the recognizer reports them for `words` printed in one line, and the
    characters (no spaces: the recognizer dropped them)."""
    boxes, chars, x = [], [], 60.0
    for n, word in enumerate(words):
        if n:
            x += word_gap - gap
        for char in word:
            boxes.append([[x, 68], [x + width, 68], [x + width, 68 + height], [x, 68 + height]])
            chars.append(char)
            x += width + gap
    return boxes, chars


def test_dropped_spaces_between_capitals_are_put_back():
    boxes, chars = boxes_of(["ORDER", "GRANTING", "MOTION", "TO", "DISMISS"])
    assert spaced("".join(chars), boxes, chars) == "ORDER GRANTING MOTION TO DISMISS"


def test_short_runs_chinese_and_mismatched_boxes_are_left_alone():
    boxes, chars = boxes_of(["IT", "IS", "SO"])  # a run of 6: could be one word
    assert spaced("ITISSO", boxes, chars) == "ITISSO"
    boxes, chars = boxes_of(["本院裁定", "驳回原告的全部诉讼请求"])
    assert spaced("".join(chars), boxes, chars) == "".join(chars)
    boxes, chars = boxes_of(["ORDER", "GRANTING", "MOTION"])
    assert spaced("ORDERGRANTINGMOTIONS", boxes, chars) == "ORDERGRANTINGMOTIONS"


def test_evenly_spaced_letters_stay_one_word():
    boxes, chars = boxes_of(["CONSOLIDATED"])
    assert spaced("CONSOLIDATED", boxes, chars) == "CONSOLIDATED"


def test_rapidocr_lines_use_the_character_boxes_when_given():
    boxes, chars = boxes_of(["UNITED", "STATES", "DISTRICT", "COURT"])
    found = [([[60, 68], [700, 68], [700, 101], [60, 101]], "".join(chars), 0.9, boxes, chars)]
    assert lines_text(found) == "UNITED STATES DISTRICT COURT"
    assert lines_text([(found[0][0], "".join(chars), 0.9)]) == "".join(chars)  # no boxes: as read
