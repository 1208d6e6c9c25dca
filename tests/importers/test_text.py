# Curly quotes, dashes and dotless i are what these tests are about:
# ruff: noqa: RUF001
"""The field decoder: mixed Windows-1252 and UTF-8 bytes, HTML, lost letters."""

from heritage_sites.importers.text import (
    HTML,
    INVALID_BYTE,
    LOST_LEFT,
    LOST_RESTORED,
    MOJIBAKE,
    UTF8_SEQUENCE,
    WHITESPACE,
    WINDOWS_1252,
    clean_field,
    decode_bytes,
    html_to_text,
    repair_mojibake,
)


def test_it_reads_windows_1252_accents_dashes_and_quotes():
    text, repairs = decode_bytes(b"V\xe9zelay; Samarkand \x96 Crossroad; Khan\x92s Palace")

    assert text == "Vézelay; Samarkand – Crossroad; Khan’s Palace"
    assert repairs == {WINDOWS_1252: 3}


def test_it_reads_a_utf8_run_inside_a_windows_1252_field():
    raw = b"Gu\xe9 at a \xe2\x80\x9ccollision point\xe2\x80\x9d, 28\xc2\xb0 N"

    text, repairs = decode_bytes(raw)

    assert text == "Gué at a “collision point”, 28° N"
    assert repairs[UTF8_SEQUENCE] == 3
    assert repairs[WINDOWS_1252] == 1


def test_it_does_not_mistake_windows_1252_bytes_for_a_stray_utf8_character():
    # "íž" + no-break space in Windows-1252 is also valid UTF-8 for one Hangul syllable.
    text, repairs = decode_bytes(b"Krom??\xed\x9e\xa0stands")

    assert text == "Krom??íž\u00a0stands"
    assert UTF8_SEQUENCE not in repairs


def test_it_keeps_a_real_word_of_another_script_written_in_utf8():
    text, repairs = decode_bytes("Mogao (莫高窟)".encode())

    assert text == "Mogao (莫高窟)"
    assert repairs == {UTF8_SEQUENCE: 1}


def test_it_keeps_a_capital_with_circumflex_that_only_looks_like_a_utf8_lead_byte():
    assert decode_bytes(b"\xc2ge du bronze")[0] == "Âge du bronze"


def test_it_repairs_windows_1252_punctuation_that_went_through_latin1_and_utf8():
    text, repairs = decode_bytes(b"Khan\xc2\x92s Palace")

    assert text == "Khan’s Palace"
    assert repairs[MOJIBAKE] == 1


def test_it_marks_bytes_that_mean_nothing_in_windows_1252():
    text, repairs = decode_bytes(b"Ab\x81c")

    assert text == "Ab\ufffdc"
    assert repairs[INVALID_BYTE] == 1


def test_it_repairs_text_that_was_decoded_twice():
    assert repair_mojibake("VÃ©zelay and Khanâ€™s Palace") == ("Vézelay and Khan’s Palace", 2)
    # Double-encoded bytes: UTF-8 of the mojibake itself.
    assert clean_field("VÃ©zelay".encode()).text == "Vézelay"


def test_it_leaves_ordinary_accented_words_alone_when_looking_for_mojibake():
    assert repair_mojibake("Âge, «\u00a0é»\u00a0», É’") == ("Âge, «\u00a0é»\u00a0», É’", 0)


def test_it_turns_html_into_paragraphs_of_plain_text():
    html = (
        "<p>The <em>madrasa</em> of Ulugh&nbsp;Beg &ndash; built\n in the 15<sup>th</sup>"
        " century.</p>\n<p>\u00a0Criterion (iv):  a <strong>model</strong> &amp; more<br />"
        "next line</p><ul><li>one</li><li>two</li></ul>"
    )

    assert html_to_text(html) == (
        "The madrasa of Ulugh\u00a0Beg – built in the 15th century.\n\n"
        "Criterion (iv): a model & more\nnext line\n\n- one\n- two"
    )


def test_it_makes_a_name_one_clean_line():
    cleaned = clean_field(b"Strasbourg, Grande-\xcele and <em>Neustadt</em>")
    assert cleaned.text == "Strasbourg, Grande-Île and Neustadt"
    assert cleaned.repairs[HTML] == 1

    cleaned = clean_field(b"Samarkand  \x96 Crossroad of Cultures  ")
    assert cleaned.text == "Samarkand – Crossroad of Cultures"
    assert cleaned.repairs[WHITESPACE] == 1


def test_it_restores_letters_lost_to_question_marks_from_known_spellings():
    spellings = {"Q?bus": "Qābus", "Krom??íž": "Kroměříž"}

    cleaned = clean_field(b"Gonbad-e Q?bus near Krom??\xed\x9e", spellings=spellings)

    assert cleaned.text == "Gonbad-e Qābus near Kroměříž"
    assert cleaned.repairs[LOST_RESTORED] == 2
    assert LOST_LEFT not in cleaned.repairs


def test_it_counts_lost_letters_it_cannot_restore_but_not_real_question_marks():
    prose = clean_field(b"<p>Is Wroc?aw old? Yes.</p>", multiline=True)
    assert prose.text == "Is Wroc?aw old? Yes."
    assert prose.repairs[LOST_LEFT] == 1

    name = clean_field(b"Mehmed Pa\x9aa Sokolovi? Bridge")
    assert name.text == "Mehmed Paša Sokolovi? Bridge"
    assert name.repairs[LOST_LEFT] == 1


def test_plain_multiline_text_keeps_its_paragraphs():
    cleaned = clean_field(b"First  line\r\n\r\n\r\nSecond\tparagraph\n", multiline=True)

    assert cleaned.text == "First line\n\nSecond paragraph"
    assert HTML not in cleaned.repairs
