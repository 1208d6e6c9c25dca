"""Turn the bytes of one field of a badly encoded export into clean text, and say what changed.

The World Heritage export mixes encodings inside one file: most non-ASCII bytes are
Windows-1252, a few runs are UTF-8, and some letters were already replaced by '?' before the
file was written. Nothing in the file says which is which, so each run of non-ASCII bytes is
judged on its own: a run is read as UTF-8 only when that gives characters that belong in Latin
text (or a plausible word of another script); otherwise it is Windows-1252.

Every function here is pure and returns the kinds of repair it made, so that an importer can
count them per field.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

# What was done to a field, as counted in an import summary. WINDOWS_1252 is the file's normal
# encoding, counted so that the summary shows how each field was read; the others are repairs.
WINDOWS_1252 = "windows_1252"  # non-ASCII bytes read as Windows-1252
UTF8_SEQUENCE = "utf8_sequence"  # bytes that were UTF-8 inside a Windows-1252 file
MOJIBAKE = "mojibake"  # text that had been decoded twice (e.g. "Ã©" for "é")
INVALID_BYTE = "invalid_byte"  # a byte with no meaning in Windows-1252, replaced by U+FFFD
HTML = "html"  # markup turned into plain text (tags dropped, entities decoded)
WHITESPACE = "whitespace"  # stray, doubled or leading/trailing spaces
LOST_RESTORED = "lost_characters_restored"  # a '?' placeholder put back from a known spelling
LOST_LEFT = "lost_characters_left"  # a '?' placeholder nobody could restore (reported only)

_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
# Windows-1252 leaves five bytes undefined; Python refuses them, so they are handled apart.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _latin_plausible(char: str) -> bool:
    """Whether a character decoded from UTF-8 may stand in Latin-script text of this kind."""
    code = ord(char)
    if 0x80 <= code <= 0x9F:  # C1 controls: never text
        return False
    return (
        code <= 0x058F  # Latin-1, Latin Extended A/B, IPA, combining marks, Greek, Cyrillic
        or 0x1E00 <= code <= 0x1EFF  # Latin Extended Additional (ṣ, ḥ, ạ ...)
        or 0x2000 <= code <= 0x206F  # general punctuation (dashes, curly quotes, ellipsis)
        or 0x20A0 <= code <= 0x20CF  # currency signs
        or 0x2100 <= code <= 0x214F  # letterlike symbols (№, ™)
    )


def _word_of_other_script(text: str) -> bool:
    """A whole run of two or more letters or marks (of any script) reads as a real word.

    A single stray character is not enough: the three Windows-1252 bytes "íž\\xa0" happen to
    be valid UTF-8 for one Hangul syllable, and the real file has exactly that.
    """
    if len(text) < 2:
        return False
    return all(unicodedata.category(char)[0] in "LM" for char in text)


def _cp1252_char(byte: int, repairs: Counter) -> str:
    if byte in _CP1252_UNDEFINED:
        repairs[INVALID_BYTE] += 1
        return "\ufffd"
    return bytes([byte]).decode("cp1252")


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _decode_run(run: bytes, repairs: Counter) -> str:
    """Decode one maximal run of non-ASCII bytes."""
    try:
        whole = run.decode("utf-8")
    except UnicodeDecodeError:
        whole = None
    if whole is not None and (
        all(_latin_plausible(char) for char in whole) or _word_of_other_script(whole)
    ):
        repairs[UTF8_SEQUENCE] += 1
        return whole
    # Mixed or Windows-1252: walk the run and take each UTF-8 sequence that reads as Latin
    # text, each other byte as Windows-1252.
    out: list[str] = []
    position = 0
    used_utf8 = used_cp1252 = False
    while position < len(run):
        length = _utf8_length(run[position])
        if length:
            chunk = run[position : position + length]
            try:
                char = chunk.decode("utf-8")
            except UnicodeDecodeError:
                char = ""
            if char and _latin_plausible(char):
                out.append(char)
                used_utf8 = True
                position += length
                continue
            if char and 0x80 <= ord(char) <= 0x9F and ord(char) not in _CP1252_UNDEFINED:
                # A Windows-1252 byte once read as Latin-1 and written out as UTF-8.
                out.append(bytes([ord(char)]).decode("cp1252"))
                repairs[MOJIBAKE] += 1
                position += length
                continue
        out.append(_cp1252_char(run[position], repairs))
        used_cp1252 = True
        position += 1
    if used_utf8:
        repairs[UTF8_SEQUENCE] += 1
    if used_cp1252:
        repairs[WINDOWS_1252] += 1
    return "".join(out)


def decode_bytes(raw: bytes) -> tuple[str, Counter]:
    """Decode one field, run by run. Returns the text and the repairs made."""
    repairs: Counter = Counter()
    if raw.isascii():
        return raw.decode("ascii"), repairs
    parts: list[str] = []
    last = 0
    for match in _NON_ASCII_RUN.finditer(raw):
        parts.append(raw[last : match.start()].decode("ascii"))
        parts.append(_decode_run(match.group(), repairs))
        last = match.end()
    parts.append(raw[last:].decode("ascii"))
    return "".join(parts), repairs


# Mojibake: a UTF-8 lead byte followed by continuation bytes, all seen through Windows-1252.
_LEADS = bytes(range(0xC2, 0xF5)).decode("cp1252")
_CONTINUATIONS = bytes(b for b in range(0x80, 0xC0) if b not in _CP1252_UNDEFINED).decode("cp1252")
_MOJIBAKE_SPAN = re.compile(f"[{re.escape(_LEADS)}][{re.escape(_CONTINUATIONS)}]+")


def _mojibake_target(char: str) -> bool:
    # Stricter than _latin_plausible: a real "\u00c9\u2019" must stay, not become U+0252.
    code = ord(char)
    return 0xA0 <= code <= 0x24F or 0x2000 <= code <= 0x206F or code == 0x20AC


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 text that was decoded as Windows-1252 ("CafÃ©" -> "Café").

    A span is replaced only when it re-encodes to valid UTF-8 made of characters that belong
    in Latin text, so ordinary accented words ("Âge", "é»") stay as they are.
    """
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        span = match.group()
        try:
            fixed = span.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return span
        if not all(_mojibake_target(char) for char in fixed):
            return span
        count += 1
        return fixed

    for _ in range(2):  # a second pass covers text that went through the mistake twice
        before = count
        text = _MOJIBAKE_SPAN.sub(fix, text)
        if count == before:
            break
    return text, count


# --- HTML to text -----------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "div", "ul", "ol", "table", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_SKIPPED_TAGS = frozenset({"script", "style"})
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d?);")
# Our own break marks, in characters no text contains.
_PARAGRAPH = "\ue000"
_LINE = "\ue001"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag == "li":
            self.parts.append(_LINE + "- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Line breaks inside HTML text are plain spaces.
            self.parts.append(re.sub(r"[\r\n]", " ", data))


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u3000]+")


def _tidy_line(line: str) -> str:
    # Runs of spaces become one space; a lone no-break space (French "« mot »") is kept.
    line = _SPACES.sub(lambda m: m.group() if m.group() in ("\u00a0", "\u202f") else " ", line)
    return line.strip(" \t\u00a0\u202f")


def normalise_paragraphs(text: str) -> str:
    """Tidy every line, keep one blank line between paragraphs, drop blank lines at the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace(_PARAGRAPH, "\n\n").replace(_LINE, "\n")
    lines = [_tidy_line(line) for line in text.split("\n")]
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")


def html_to_text(text: str) -> str:
    """Plain text from an HTML fragment: tags dropped, entities decoded, paragraphs kept."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return normalise_paragraphs("".join(parser.parts))


# --- Letters lost to '?' ----------------------------------------------------------------------

# A '?' between letters, or opening a word, stands for a letter the source could not encode.
_LOST_IN_TEXT = re.compile(r"(?<=\w)\?+(?=\w)|(?<![\w?])\?+(?=\w)")


def restore_lost_characters(text: str, spellings: dict[str, str]) -> tuple[str, int]:
    """Put back letters lost to '?' in the words whose right spelling is known."""
    if "?" not in text or not spellings:
        return text, 0
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(k) for k in sorted(spellings, key=len, reverse=True))
        + r")(?!\w)"
    )
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        count += 1
        return spellings[match.group()]

    return pattern.sub(fix, text), count


def count_lost_characters(text: str, *, inline: bool) -> int:
    """How many '?' placeholders remain. In a name every '?' is one; in prose, only mid-word."""
    if inline:
        return text.count("?")
    return sum(len(match.group()) for match in _LOST_IN_TEXT.finditer(text))


# --- One field, start to end ------------------------------------------------------------------


@dataclass(frozen=True)
class CleanText:
    text: str
    repairs: Counter = field(default_factory=Counter)


def clean_field(
    raw: bytes, *, multiline: bool = False, spellings: dict[str, str] | None = None
) -> CleanText:
    """Decode one field and make it clean text.

    ``multiline`` fields (descriptions) keep paragraphs as blank lines; the others (names)
    become a single line.
    """
    text, repairs = decode_bytes(raw)
    if _LOOKS_LIKE_HTML.search(text):
        text = html_to_text(text)
        repairs[HTML] += 1
    elif multiline:
        text = normalise_paragraphs(text)
    text, fixed = repair_mojibake(text)
    if fixed:
        repairs[MOJIBAKE] += fixed
    if not multiline:
        single = _tidy_line(_SPACES.sub(" ", re.sub(r"\s+", " ", text)))
        if single != text and HTML not in repairs:
            repairs[WHITESPACE] += 1
        text = single
    text, restored = restore_lost_characters(text, spellings or {})
    if restored:
        repairs[LOST_RESTORED] += restored
    left = count_lost_characters(text, inline=not multiline)
    if left:
        repairs[LOST_LEFT] += left
    return CleanText(text=text, repairs=repairs)
