"""EDIFACT syntax: service string advice, transport-envelope cleaning and the tokeniser.

Real messages arrive wrapped in carrier envelopes (Type-B headers, e-mail footers), hard-wrapped
at 64 or 80 columns (even inside a tag or a number), with curly quotes typed for ``'`` and with
any delimiters the sender fancied. :func:`tokenise` undoes all of that and returns the
:class:`Segments`; everything it had to repair is reported as a :class:`Finding`.

Speed matters (a PNRGOV push can hold thousands of segments): the tokeniser works with
``str.split`` and one regex substitution, never a per-character Python loop; a segment's values
are split only when a parser reads them, and :class:`Segment` objects are made only then too.
"""

from __future__ import annotations

import operator
import re
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import overload

from tekser.domain.travel import Finding
from tekser.ingest.messages.charset import declared_codec

# Escaped service characters are parked on private-use code points while splitting.
_PARKED = ("\U000f0000", "\U000f0001", "\U000f0002", "\U000f0003", "\U000f0004", "\U000f0005")
_PARKED_RE = re.compile("[\U000f0000-\U000f0005]")
_HEADER = re.compile(r"UN[BH]")

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_UNLIMITED = sys.maxsize
_USE_CELLS: tuple[str, ...] = ("(cells)",)  # Segment._parts when values are read from Segment.cells


@dataclass(frozen=True, slots=True)
class Delimiters:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"  # None: the sender declared none (a space in UNA)
    repetition: str | None = None
    terminator: str = "'"


DEFAULT_DELIMITERS = Delimiters()
Syntax = tuple[str, str, dict[int, str] | None]  # component separator, element separator, un-parking table
_DEFAULT_SYNTAX: Syntax = (":", "+", None)


class Segment:
    """One segment: ``position`` counts segments from the start of the interchange (UNB = 1).

    The values are split from the raw text when they are first read, and only as far as needed:
    :meth:`get` splits the elements and then just the one asked for; :attr:`cells` (every
    element's components, as tuples) is made only for the parsers that walk all of them.
    """

    __slots__ = ("_cells", "_parts", "_raw", "_syntax", "position", "tag")

    def __init__(
        self,
        position: int,
        tag: str,
        elements: Sequence[Sequence[str]] | None = None,
        raw: str = "",
        syntax: Syntax = _DEFAULT_SYNTAX,
    ) -> None:
        self.position = position
        self.tag = tag
        self._cells = None if elements is None else tuple([tuple(e) for e in elements])
        self._parts: tuple[str, ...] | None = None  # a tuple: the collector stops watching it
        self._raw = raw
        self._syntax = syntax

    def _split(self) -> tuple[str, ...]:
        """The raw text split into tag and elements; :data:`_USE_CELLS` when the values are not plain
        (given as elements, or holding released service characters that are put back per value)."""
        if self._cells is not None:
            parts = _USE_CELLS
        else:
            unpark = self._syntax[2]
            raw = self._raw
            parts = _USE_CELLS if unpark is not None and _PARKED_RE.search(raw) else tuple(raw.split(self._syntax[1]))
        self._parts = parts
        return parts

    @property
    def cells(self) -> tuple[tuple[str, ...], ...]:
        """Elements of components (0-based after the tag), as written."""
        cells = self._cells
        if cells is None:
            component, element, unpark = self._syntax
            parts: Sequence[str] | None = self._parts
            if parts is None or parts is _USE_CELLS:
                parts = self._raw.split(element)
            if unpark is not None and _PARKED_RE.search(self._raw):
                cells = tuple([tuple([c.translate(unpark) for c in p.split(component)]) for p in parts[1:]])
            else:
                cells = tuple([tuple(p.split(component)) for p in parts[1:]])
            self._cells = cells
        return cells

    @property
    def elements(self) -> list[list[str]]:
        """:attr:`cells` as lists (a new copy on every call)."""
        return [list(e) for e in self.cells]

    def count(self) -> int:
        """Number of elements, without splitting them."""
        cells = self._cells
        if cells is not None:
            return len(cells)
        parts = self._parts
        if parts is None or parts is _USE_CELLS:
            return self._raw.count(self._syntax[1])
        return len(parts) - 1

    def get(self, element: int, component: int = 0) -> str:
        """Element/component value (0-based after the tag), stripped; "" when absent."""
        parts = self._parts
        if parts is None:
            parts = self._split()
        if parts is not _USE_CELLS and component >= 0:
            if 0 <= element < len(parts) - 1:
                if component == 0:
                    return parts[element + 1].partition(self._syntax[0])[0].strip()
                values = parts[element + 1].split(self._syntax[0])
                return values[component].strip() if component < len(values) else ""
            if element >= 0:
                return ""
        try:
            return self.cells[element][component].strip()
        except IndexError:
            return ""

    def element(self, element: int) -> list[str]:
        """The components of one element, as written; [] when absent."""
        parts = self._parts
        if parts is None:
            parts = self._split()
        if parts is not _USE_CELLS and element >= 0:
            return parts[element + 1].split(self._syntax[0]) if element < len(parts) - 1 else []
        try:
            return list(self.cells[element])
        except IndexError:
            return []

    def components(self, element: int, count: int) -> list[str]:
        """``[get(element, 0), …, get(element, count - 1)]``, splitting the element once."""
        values = list(map(str.strip, self.element(element)[:count]))
        if len(values) < count:
            values += [""] * (count - len(values))
        return values

    def joined(self, start: int, joiner: str) -> str:
        """Elements from ``start`` on, each as written (components joined by the component separator),
        joined by ``joiner``."""
        parts = self._parts
        if parts is None:
            parts = self._split()
        if parts is not _USE_CELLS and start >= 0:
            return joiner.join(parts[start + 1 :])
        component = self._syntax[0]
        return joiner.join([component.join(e) for e in self.cells[start:]])

    def texts(self, start: int = 0) -> list[str]:
        """Every non-empty component from element ``start`` on, in order (free text)."""
        return [c.strip() for e in self.cells[start:] for c in e if c.strip()]

    @property
    def component(self) -> str:
        """The component separator the values were written with."""
        return self._syntax[0]

    def where(self) -> str:
        return f"segment {self.position} {self.tag}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return (self.position, self.tag, self.cells) == (other.position, other.tag, other.cells)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"Segment(position={self.position!r}, tag={self.tag!r}, elements={self.elements!r})"


class Segments(Sequence[Segment]):
    """Segments kept as their tags, raw texts and positions; a :class:`Segment` is made when one is read.

    A push of thousands of segments would otherwise keep as many objects alive for the whole
    parse, and every full pass of the garbage collector would walk them all. Slicing and ``+``
    give new :class:`Segments` over the same texts.
    """

    __slots__ = ("positions", "raws", "syntax", "tags")

    def __init__(self, tags: list[str], raws: list[str], positions: Sequence[int], syntax: Syntax) -> None:
        self.tags = tags
        self.raws = raws
        self.positions = positions
        self.syntax = syntax

    def __len__(self) -> int:
        return len(self.tags)

    def __iter__(self) -> Iterator[Segment]:
        return map(Segment, self.positions, self.tags, repeat(None), self.raws, repeat(self.syntax))

    @overload
    def __getitem__(self, index: int) -> Segment: ...

    @overload
    def __getitem__(self, index: slice) -> Segments: ...

    def __getitem__(self, index: int | slice) -> Segment | Segments:
        if isinstance(index, slice):
            if index.indices(len(self.tags)) == (0, len(self.tags), 1):
                return self  # the whole: nothing to copy
            return Segments(self.tags[index], self.raws[index], self.positions[index], self.syntax)
        return Segment(self.positions[index], self.tags[index], None, self.raws[index], self.syntax)

    def __add__(self, other: Segments) -> Segments:
        return join_segments([self, other])

    def __repr__(self) -> str:
        return f"Segments({len(self)} segments)"


def no_segments(syntax: Syntax = _DEFAULT_SYNTAX) -> Segments:
    return Segments([], [], range(0), syntax)


def join_segments(runs: Sequence[Segments]) -> Segments:
    """The segments of ``runs`` in order (all from one interchange)."""
    filled = [run for run in runs if run.tags]
    if len(filled) <= 1:
        return filled[0] if filled else runs[0] if runs else no_segments()
    runs = filled
    syntax = runs[0].syntax
    tags: list[str] = []
    raws: list[str] = []
    positions = array("q")
    for run in runs:
        if run.syntax != syntax:
            raise ValueError("segments of different interchanges cannot be joined")
        tags += run.tags
        raws += run.raws
        positions.extend(run.positions)
    return Segments(tags, raws, positions, syntax)


@dataclass(slots=True)
class Tokens:
    delimiters: Delimiters
    segments: Segments
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
    """Text of a message: UTF-8 when it is valid UTF-8, else the declared 8-bit set (UNOC to UNOF),
    else Latin-1 (never fails; bytes no set can carry are dealt with by :mod:`.charset`)."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        codec = declared_codec(data)
        return data.decode(codec if codec not in (None, "ascii") else "latin-1", errors="replace")


def tokenise(text: str) -> Tokens:
    """Clean ``text`` (envelopes, line wraps, curly quotes) and split it into segments.

    When the delimiters read (from UNA, UNB or the defaults) give no well-formed message (a UNH
    and the UNT that closes it), the repairs of :func:`_repairs` are tried and the first that
    gives one is kept, with a finding that names it.
    """
    findings: list[Finding] = []
    delimiters, body, advice = _locate(text, findings)
    segments, cleaned = _read(body, delimiters)
    if _well_formed(segments):
        return Tokens(delimiters, segments, [*findings, *cleaned], advice)
    for repaired, repair in _repairs(body, delimiters, advice):
        candidate, notes = _read(body, repaired)
        if _well_formed(candidate):
            findings.append(Finding(None, "UNA" if advice else "UNB", None, repair))
            return Tokens(repaired, candidate, [*findings, *notes], advice)
    return Tokens(delimiters, segments, [*findings, *cleaned], advice)


def _well_formed(segments: Segments) -> bool:
    """A UNH and, after it, the UNT that closes it (same message reference)."""
    tags = segments.tags
    try:
        opening = tags.index("UNH")
        closing = tags.index("UNT", opening + 1)
    except ValueError:
        return False
    return segments[opening].get(0) == segments[closing].get(1)


def _shown(character: str) -> str:
    """A service character as a finding shows it: line breaks and spaces named."""
    return {"\n": "line break", "\r": "carriage return", " ": "space"}.get(character, repr(character))


def _repairs(body: str, delimiters: Delimiters, advice: bool) -> Iterator[tuple[Delimiters, str]]:
    """Delimiters to try when the declared ones give no well-formed message, each with its finding.

    First the separators seen in the body around the first UNH (a UNA one character short, whose
    line break then reads as the terminator; a UNA declaring ``’`` while the body uses ``'``),
    then the standard defaults.
    """
    label = "UNA's" if advice else "the interchange's"
    seen = re.search(r"([^\sA-Za-z0-9])\s*UNH\s*([^\sA-Za-z0-9])", body)
    tried = {delimiters}
    if seen is not None:
        terminator, element = seen.group(1), seen.group(2)
        component = delimiters.component if delimiters.component not in (terminator, element) else ":"
        release = delimiters.release if delimiters.release not in (terminator, element, component) else None
        candidate = Delimiters(component, element, delimiters.decimal, release, None, terminator)
        if len({component, element, terminator}) == 3 and candidate not in tried:
            tried.add(candidate)
            changed = [
                f"{what} {_shown(old)} gives no UNH…UNT message: read with the body's {_shown(new)}"
                for what, old, new in (
                    ("segment terminator", delimiters.terminator, terminator),
                    ("element separator", delimiters.element, element),
                    ("component separator", delimiters.component, component),
                )
                if old != new
            ]
            yield candidate, f"{label} {'; '.join(changed)} (repaired)"
    if DEFAULT_DELIMITERS not in tried:
        yield DEFAULT_DELIMITERS, f"{label} delimiters give no UNH…UNT message: read with the standard ones (repaired)"


def _read(body: str, delimiters: Delimiters) -> tuple[Segments, list[Finding]]:
    """The segments of ``body`` read with ``delimiters``, and what had to be cleaned."""
    findings: list[Finding] = []
    terminator = delimiters.terminator
    # Line breaks are hard wraps unless they are the terminator: read UNA first, then remove them.
    if terminator not in "\r\n":
        if "\n" in body:
            body = body.replace("\n", "")
        if "\r" in body:
            body = body.replace("\r", "")
    elif "\r" in body and terminator == "\n":
        body = body.replace("\r", "")
    if terminator == "'" and "’" in body:
        # only where a segment ends: O’NEIL stays a name
        body, count = _curly_terminator(delimiters.element, delimiters.component).subn("'", body)
        if count:
            findings.append(Finding(None, None, None, "curly apostrophe (’) used as segment terminator"))
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
    return _split(body, delimiters, unpark if parked else None), findings


@lru_cache(maxsize=16)
def _curly_terminator(element: str, component: str) -> re.Pattern[str]:
    """A ’ typed for the terminator: the next segment's tag (then a separator or the end of that
    segment) or the end of the text follows it."""
    after_tag = re.escape(element + component + "’'")
    return re.compile(rf"’(?=\s*(?:[A-Za-z][A-Za-z0-9]{{2}}\s*[{after_tag}]|$))")


def _split(body: str, delimiters: Delimiters, unpark: dict[int, str] | None) -> Segments:
    component, element = delimiters.component, delimiters.element
    raws = body.split(delimiters.terminator)
    if raws[-1] == "":
        raws.pop()  # the text ends with a terminator
    # str.strip gives back the very same string when there is nothing to strip: if it strips
    # nothing anywhere and no segment is empty (the usual case), there is nothing to clean.
    if "" in raws or any(map(operator.is_not, map(str.strip, raws), raws)):
        raws = [r if r and r[0] > " " and r[-1] > " " else r.strip() for r in raws]
        raws = [r for r in raws if r]
    regular: dict[str, str] = {}  # first four characters ("LOC+") → tag, for segments that start plainly
    tags = [regular.get(r[:4]) or _tag(r, component, element, unpark, regular) for r in raws]
    return Segments(tags, raws, range(1, len(raws) + 1), (component, element, unpark))


def _tag(raw: str, component: str, element: str, unpark: dict[int, str] | None, regular: dict[str, str]) -> str:
    tag = raw[:3]
    if (len(raw) > 3 and raw[3] != element) or not tag.isupper() or len(tag) != 3:  # "UNG *X", "unh", "TAG:1"
        cut = raw.find(element)
        tag = (raw if cut < 0 else raw[:cut]).split(component, 1)[0].strip().upper()
        return tag.translate(unpark) if unpark is not None else tag
    regular[raw[:4]] = tag
    return tag


def is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def is_tag(text: str) -> bool:
    return len(text) == 3 and _TAG.fullmatch(text) is not None


def resynchronise(
    segments: Iterable[Segment], limits: dict[str, int], known: frozenset[str], findings: list[Finding]
) -> Sequence[Segment]:
    """Split segments whose terminator is missing (``RPI+1+HKIFT+4:19+…``).

    A segment with more elements than its tag allows, one of which ends in a known tag
    (``HK`` + ``IFT``), is cut there into two segments; both keep the original position.
    """
    if isinstance(segments, Segments):
        # Nearly always no segment is too long: find that out without making the segments.
        counts = map(str.count, segments.raws, repeat(segments.syntax[1]))
        if not any(map(operator.gt, counts, map(limits.get, segments.tags, repeat(_UNLIMITED)))):
            return segments
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
    cells = segment.cells
    if limit is None or len(cells) <= limit:
        result.append(segment)
        return None
    for index in range(min(limit, len(cells))):
        parts = cells[index]
        last = parts[-1].rstrip() if parts else ""
        tag = last[-3:]
        if len(parts) == 1 and len(last) > 3 and tag in known:
            head = Segment(segment.position, segment.tag, [*cells[:index], (last[:-3],)])
            tail = Segment(segment.position, tag, cells[index + 1 :])
            findings.append(
                Finding(
                    segment.position, segment.tag, str(index + 1), f"segment terminator missing before {tag}: split"
                )
            )
            result.append(head)
            return tail
    result.append(segment)
    return None
