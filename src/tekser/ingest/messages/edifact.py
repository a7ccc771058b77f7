"""EDIFACT syntax: service string advice, transport-envelope cleaning and the tokeniser.

Real messages arrive wrapped in carrier envelopes (Type-B headers, e-mail footers), hard-wrapped
at 64 or 80 columns (even inside a tag or a number), with curly quotes typed for ``'`` and with
any delimiters the sender fancied. :func:`tokenise` undoes all of that and returns plain
:class:`Segment` objects; everything it had to repair is reported as a :class:`Finding`.

Speed matters (a PNRGOV push can hold thousands of segments): the tokeniser works with
``str.split`` and one regex substitution, never a per-character Python loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tekser.domain.travel import Finding

# Escaped service characters are parked on private-use code points while splitting.
_PARKED = ("\U000f0000", "\U000f0001", "\U000f0002", "\U000f0003", "\U000f0004", "\U000f0005")
_PARKED_RE = re.compile("[\U000f0000-\U000f0005]")
_LINE_BREAKS = {10: None, 13: None}
_HEADER = re.compile(r"UN[BH]")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")


@dataclass(frozen=True, slots=True)
class Delimiters:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"  # None: the sender declared none (a space in UNA)
    repetition: str | None = None
    terminator: str = "'"


DEFAULT_DELIMITERS = Delimiters()


class Segment:
    """One segment: ``position`` counts segments from the start of the interchange (UNB = 1).

    ``elements`` (elements of components, as written) is split from the raw text on first use:
    most segments of a big push are never looked into, so the tokeniser does not split them.
    """

    __slots__ = ("_elements", "_raw", "_syntax", "position", "tag")

    def __init__(
        self,
        position: int,
        tag: str,
        elements: list[list[str]] | None = None,
        raw: str = "",
        syntax: tuple[str, str, dict[int, str] | None] = (":", "+", None),
    ) -> None:
        self.position = position
        self.tag = tag
        self._elements = elements
        self._raw = raw
        self._syntax = syntax  # component separator, element separator, un-parking table

    @property
    def elements(self) -> list[list[str]]:
        elements = self._elements
        if elements is None:
            component, element, unpark = self._syntax
            parts = self._raw.split(element)[1:]
            if unpark is not None and _PARKED_RE.search(self._raw):
                elements = [[c.translate(unpark) for c in p.split(component)] for p in parts]
            else:
                elements = [p.split(component) for p in parts]
            self._elements = elements
        return elements

    def count(self) -> int:
        """Number of elements, without splitting them."""
        return len(self._elements) if self._elements is not None else self._raw.count(self._syntax[1])

    def get(self, element: int, component: int = 0) -> str:
        """Element/component value (0-based after the tag), stripped; "" when absent."""
        elements = self._elements if self._elements is not None else self.elements
        try:
            return elements[element][component].strip()
        except IndexError:
            return ""

    def element(self, element: int) -> list[str]:
        try:
            return self.elements[element]
        except IndexError:
            return []

    def texts(self, start: int = 0) -> list[str]:
        """Every non-empty component from element ``start`` on, in order (free text)."""
        return [c.strip() for e in self.elements[start:] for c in e if c.strip()]

    def where(self) -> str:
        return f"segment {self.position} {self.tag}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return (self.position, self.tag, self.elements) == (other.position, other.tag, other.elements)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"Segment(position={self.position!r}, tag={self.tag!r}, elements={self.elements!r})"


@dataclass(slots=True)
class Tokens:
    delimiters: Delimiters
    segments: list[Segment]
    findings: list[Finding]
    advice: bool  # a UNA was present


def _plausible_una(advice: str) -> bool:
    """Six service characters: separators and terminator distinct and not letters or digits."""
    if len(advice) != 6:
        return False
    component, element, release, terminator = advice[0], advice[1], advice[3], advice[5]
    separators = (component, element, terminator)
    if any(c.isalnum() for c in separators) or len(set(separators)) != 3:
        return False
    if component.isspace() or element.isspace():
        return False
    return release == " " or (not release.isalnum() and release not in separators)


def _from_una(advice: str) -> Delimiters:
    component, element, decimal, release, repetition, terminator = (advice[i] for i in range(6))
    return Delimiters(
        component=component,
        element=element,
        decimal=decimal,
        release=None if release == " " else release,
        repetition=None if repetition == " " or repetition in (component, element, terminator) else repetition,
        terminator=terminator,
    )


def _sniff(text: str, start: int) -> Delimiters | None:
    """Delimiters of an interchange without UNA whose UNB does not use the defaults.

    ``UNB<e>UNOA<c>4<e>…`` gives the element and component separators; the terminator is the
    character before the next ``UNG``/``UNH`` tag.
    """
    match = re.match(r"UN[BH]\s*([^\sA-Za-z0-9])\s*[A-Z]{4}([^\sA-Za-z0-9])?", text[start:])
    if not match:
        return None
    element, component = match.group(1), match.group(2) or ":"
    if element == "+":
        return None
    following = re.search(r"([^\sA-Za-z0-9])\s*UN[GH]\s*" + re.escape(element), text[start + match.end() :])
    if not following or following.group(1) in (element, component):
        return None
    return Delimiters(component=component, element=element, terminator=following.group(1))


def _locate(text: str, findings: list[Finding]) -> tuple[Delimiters, str, bool]:
    """Find the interchange in ``text``: its delimiters and the text from UNB on."""
    start = 0
    while True:
        index = text.find("UNA", start)
        if index < 0:
            break
        advice = text[index + 3 : index + 9]
        if _plausible_una(advice):
            if text[:index].strip():
                findings.append(
                    Finding(None, "UNA", None, f"{index} characters before UNA ignored (transport envelope)")
                )
            return _from_una(advice), text[index + 9 :], True
        start = index + 3
    header = _HEADER.search(text)
    if header is None:
        return DEFAULT_DELIMITERS, text, False
    if text[: header.start()].strip():
        findings.append(
            Finding(
                None,
                header.group(0),
                None,
                f"{header.start()} characters before the header ignored (transport envelope)",
            )
        )
    sniffed = _sniff(text, header.start())
    if sniffed is not None:
        findings.append(Finding(None, "UNB", None, "no UNA and non-default delimiters: inferred from UNB"))
        return sniffed, text[header.start() :], False
    return DEFAULT_DELIMITERS, text[header.start() :], False


def decode(data: bytes | str) -> str:
    """Text of a message: UTF-8 when it is valid UTF-8, else Latin-1 (never fails)."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def tokenise(text: str) -> Tokens:
    """Clean ``text`` (envelopes, line wraps, curly quotes) and split it into segments."""
    findings: list[Finding] = []
    delimiters, body, advice = _locate(text, findings)
    terminator = delimiters.terminator
    if terminator == "'" and "’" in body:
        body = body.replace("’", "'")
        findings.append(Finding(None, None, None, "curly apostrophe (’) used as segment terminator"))
    # Line breaks are hard wraps unless they are the terminator: read UNA first, then remove them.
    if terminator not in "\r\n":
        if "\n" in body or "\r" in body:
            body = body.translate(_LINE_BREAKS)
    elif "\r" in body and terminator == "\n":
        body = body.replace("\r", "")
    release = delimiters.release
    parked = False
    if release and release in body:
        specials = [delimiters.component, delimiters.element, terminator, release]
        if delimiters.repetition:
            specials.append(delimiters.repetition)
        park = dict(zip(specials, _PARKED, strict=False))

        def _park(match: re.Match[str]) -> str:
            return park.get(match.group(1), match.group(0))

        body = re.sub(re.escape(release) + "(.)", _park, body, flags=re.DOTALL)
        unpark = str.maketrans({v: k for k, v in park.items()})
        parked = True
    segments = _split(body, delimiters, unpark if parked else None)
    return Tokens(delimiters, segments, findings, advice)


def _split(body: str, delimiters: Delimiters, unpark: dict[int, str] | None) -> list[Segment]:
    component, element = delimiters.component, delimiters.element
    syntax = (component, element, unpark)
    segments: list[Segment] = []
    append = segments.append
    position = 0
    for raw in body.split(delimiters.terminator):
        if not raw or raw[0] <= " " or raw[-1] <= " ":
            raw = raw.strip()
            if not raw:
                continue
        position += 1
        tag = raw[:3]
        if (len(raw) > 3 and raw[3] != element) or not tag.isupper() or len(tag) != 3:  # "UNG *X", "unh", "TAG:1"
            cut = raw.find(element)
            tag = (raw if cut < 0 else raw[:cut]).split(component, 1)[0].strip().upper()
            if unpark is not None:
                tag = tag.translate(unpark)
        append(Segment(position, tag, None, raw, syntax))
    return segments


def is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def is_tag(text: str) -> bool:
    return len(text) == 3 and _TAG.fullmatch(text) is not None


def resynchronise(
    segments: Iterable[Segment], limits: dict[str, int], known: frozenset[str], findings: list[Finding]
) -> list[Segment]:
    """Split segments whose terminator is missing (``RPI+1+HKIFT+4:19+…``).

    A segment with more elements than its tag allows, one of which ends in a known tag
    (``HK`` + ``IFT``), is cut there into two segments; both keep the original position.
    """
    result: list[Segment] = []
    for segment in segments:
        limit = limits.get(segment.tag)
        if limit is None or segment.count() <= limit:
            result.append(segment)
            continue
        pending: Segment | None = segment
        while pending is not None:
            pending = _cut(pending, limits, known, findings, result)
    return result


def _cut(
    segment: Segment, limits: dict[str, int], known: frozenset[str], findings: list[Finding], result: list[Segment]
) -> Segment | None:
    limit = limits.get(segment.tag)
    if limit is None or len(segment.elements) <= limit:
        result.append(segment)
        return None
    for index in range(min(limit, len(segment.elements))):
        parts = segment.elements[index]
        last = parts[-1].rstrip() if parts else ""
        tag = last[-3:]
        if len(parts) == 1 and len(last) > 3 and tag in known:
            head = Segment(segment.position, segment.tag, [*segment.elements[:index], [last[:-3]]])
            tail = Segment(segment.position, tag, segment.elements[index + 1 :])
            findings.append(
                Finding(
                    segment.position, segment.tag, str(index + 1), f"segment terminator missing before {tag}: split"
                )
            )
            result.append(head)
            return tail
    result.append(segment)
    return None
