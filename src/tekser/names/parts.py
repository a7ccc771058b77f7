"""Name analysis: a written name → typed tokens with their folded Latin forms.

Structure beats strings: titles are removed (kept as evidence), particles (bin, abu, al-, van)
and legal forms are optional, a patronymic is reduced to its father's-name stem so that
Serikovna, Серікқызы and Serikuly compare as one, ``Abd al-Rahman`` / ``Abdulrahman`` /
``عبد الرحمن`` become one compound, and placeholders (FNU, UNKNOWN) are missing data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import metadata, resources
from typing import NamedTuple

import yaml
from rapidfuzz.distance import OSA

from tekser.names.fold import canonical, skeleton
from tekser.names.scripts import detect_script
from tekser.names.translit import latin_variants

MAX_FORMS = 8


class Role(StrEnum):
    NAME = "name"  # an ordinary name part
    PATRONYMIC = "patronymic"
    PARTICLE = "particle"
    TITLE = "title"
    LEGAL = "legal_form"
    INITIAL = "initial"


OPTIONAL_ROLES = frozenset({Role.PARTICLE, Role.TITLE, Role.LEGAL, Role.PATRONYMIC})


class _TokenFields(NamedTuple):
    text: str
    forms: tuple[str, ...]  # canonical Latin forms, most common rendering first
    skeletons: tuple[str, ...]
    role: Role
    stems: tuple[str, ...]  # patronymics: the father's-name stem(s), folded
    abjad: bool  # written without short vowels (Arabic script): compare skeletons too
    family: bool | None  # True/False when the source says family/given; None when unknown
    optional: bool  # derived from role; stored because every comparison reads it


class Token(_TokenFields):
    """One part of a name: as written, its folded forms, skeletons and role.

    A named tuple rather than a dataclass: tens of thousands are made when an index is built.
    """

    __slots__ = ()

    def __new__(
        cls,
        text: str,
        forms: tuple[str, ...],
        skeletons: tuple[str, ...],
        role: Role = Role.NAME,
        stems: tuple[str, ...] = (),
        abjad: bool = False,
        family: bool | None = None,
    ) -> Token:
        return super().__new__(cls, text, forms, skeletons, role, stems, abjad, family, role in OPTIONAL_ROLES)

    def __getnewargs__(self) -> tuple[object, ...]:  # (pickled as its constructor's arguments: a kept index)
        return (self.text, self.forms, self.skeletons, self.role, self.stems, self.abjad, self.family)


class _NameFields(NamedTuple):
    text: str
    tokens: tuple[Token, ...]
    titles: tuple[str, ...]
    placeholder: bool  # nothing but placeholders (FNU, UNKNOWN): missing data
    core: tuple[Token, ...]  # the tokens that must agree: names and initials
    key: str  # exact-comparison key: the primary forms of the core tokens, in order
    plain: str  # every word folded, titles and particles included: equal plains are the same name


class AnalyzedName(_NameFields):
    __slots__ = ()

    def __new__(
        cls,
        text: str,
        tokens: tuple[Token, ...],
        titles: tuple[str, ...] = (),
        placeholder: bool = False,
        plain: str | None = None,
    ) -> AnalyzedName:
        core = tuple(t for t in tokens if not t.optional)
        key = " ".join(t.forms[0] for t in core if t.forms)
        if plain is None:
            plain = " ".join(t.forms[0] for t in tokens if t.forms)
        return super().__new__(cls, text, tokens, titles, placeholder, core, key, plain)

    def __getnewargs__(self) -> tuple[object, ...]:
        return (self.text, self.tokens, self.titles, self.placeholder, self.plain)


@cache
def _vocabulary() -> dict[str, object]:
    text = resources.files("tekser.names").joinpath("data/name_parts.yml").read_text(encoding="utf-8")
    data: dict[str, object] = yaml.safe_load(text)
    return data


@cache
def _sets() -> tuple[frozenset[str], dict[str, str], frozenset[str], dict[str, str]]:
    vocab = _vocabulary()
    titles = frozenset(canonical(str(t)) for t in vocab["titles"])  # type: ignore[attr-defined]
    particles: dict[str, str] = {canonical(str(p)): canonical(str(p)) for p in vocab["particles"]}  # type: ignore[attr-defined]
    for name, spellings in vocab["particle_classes"].items():  # type: ignore[attr-defined]
        for spelling in spellings:
            particles[canonical(str(spelling))] = canonical(str(name))
    placeholders = frozenset(canonical(str(p)) for p in vocab["placeholders"])  # type: ignore[attr-defined]
    legal: dict[str, str] = {}  # keyed by the plain lowercase letters: folding would make "Asia" the ASA
    for name, spellings in vocab["legal_forms"].items():  # type: ignore[attr-defined]
        for spelling in spellings:
            legal[_letters(str(spelling))] = canonical(str(name))
    return titles, particles, placeholders, legal


_NOT_LETTERS = re.compile(r"[^a-z]+")


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text.lower())


FUZZY_LEGAL_LENGTH = 6  # legal forms this long are also recognised with one keying error ("Compeny")


@cache
def _long_legal_forms() -> tuple[tuple[str, str], ...]:
    return tuple((spelling, name) for spelling, name in _sets()[3].items() if len(spelling) >= FUZZY_LEGAL_LENGTH)


_PLURAL_ES = ("ches", "shes", "sses", "xes", "zes")


def _singular(rendering: str) -> str | None:
    """The folded singular of an English plural word of an organisation's name (Industries →
    industry, Services → service, Boxes → box), or None: organisations are listed and screened
    in either number."""
    word = rendering.lower()
    if len(word) < 5 or not word.isalpha() or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return None
    if word.endswith("ies"):
        stem = word[:-3] + "y"
    elif word.endswith(_PLURAL_ES):
        stem = word[:-2]
    else:
        stem = word[:-1]
    return canonical(stem) if len(stem) >= 4 else None


@lru_cache(maxsize=50_000)
def legal_form(word: str) -> str | None:
    """The legal-form class of a word of an organisation's name (``Ltd.``, ``GmbH``, ``Compeny``).

    The project's table (``legal_forms`` in name_parts.yml, with the lists' own spellings and, for
    long forms, one keying error) answers first; then rigour's table of organisation types
    (ISO 20275 entity legal forms, OCCRP's and Wikipedia's lists: Kft, Şirketi,
    Aktiengesellschaft, ФОП...), whose forms are mapped onto the project's classes.
    """
    letters = _letters(word)
    found = _sets()[3].get(letters) if letters else None
    if found is not None:
        return found
    if len(letters) >= FUZZY_LEGAL_LENGTH:
        for spelling, name in _long_legal_forms():
            if abs(len(spelling) - len(letters)) <= 1 and OSA.distance(spelling, letters, score_cutoff=1) <= 1:
                return name
    if len(letters) < MAINTAINED_LEGAL_LENGTH or letters in _not_legal_forms():
        return None
    return _maintained_legal_form(word)


def _maintained_legal_form(word: str) -> str | None:
    """rigour's class for a whole word (or phrase), in the project's classes where it has one: the
    word's short form (Aktiengesellschaft → AG → gmbh, ТОВ → ООО → jsc), else its generic kind
    (Kft → llc), else rigour's own short form as a class of its own (ФОП → fop)."""
    org_types = _org_types()
    if org_types is None:
        return None
    folded = word.casefold()
    short = [target for matched, target in org_types(folded, generic=False) if matched == folded]
    if not short:
        return None
    generic = [target for matched, target in org_types(folded, generic=True) if matched == folded]
    ours = _sets()[3]
    for form in (*short, *generic):
        key = _letters(form if form.isascii() else next(iter(latin_variants(form)), ""))
        if key in ours:
            return ours[key]
    return canonical((generic or short)[0])


# rigour's one- and two-letter forms (EP, IN, IS, AT, II...) are aircraft marks, words and numerals
# more often than legal forms in list names: only the project's own short forms count
MAINTAINED_LEGAL_LENGTH = 3


@cache
def _not_legal_forms() -> frozenset[str]:
    return frozenset(_letters(str(w)) for w in _vocabulary().get("not_legal_forms", ()))  # type: ignore[attr-defined]


LEGAL_PHRASE_WORDS = 6  # the longest spelt-out legal form looked for ("sociedad de responsabilidad limitada")


def _legal_phrases(words: tuple[str, ...], infos: list[_Word | None]) -> dict[int, tuple[int, str]]:
    """Spelt-out legal forms of several words (Limited Liability Company, Joint Stock Company,
    Товарищество с ограниченной ответственностью, Anonim Şirketi) as ``{first word: (end, class)}``,
    found by rigour in the words as written and in their first Latin renderings."""
    org_types = _org_types()
    if org_types is None or len(words) < 2:
        return {}
    folded = [w.casefold() for w in words]
    latin = [info.renderings[0] if info is not None else "" for info in infos]
    spans = _phrase_spans(folded, org_types)
    if latin != folded:  # (a name in another script, or with accents: its Latin rendering too)
        spans += [(start, end, latin) for start, end, _ in _phrase_spans(latin, org_types)]
    if not spans:
        return {}
    _, particles, _, ours = _sets()
    # words the project's table reads already (CO LTD, S.A. DE C.V.): kept as its own parts
    known = [info is None or _letters(info.renderings[0]) in ours or info.primary in particles for info in infos]
    found: dict[int, tuple[int, str]] = {}
    for start, end, spelling in spans:
        if all(known[start:end]) or any(start <= s < e or s <= start < e for s, (e, _) in found.items()):
            continue  # (or the other spelling found this one, or an overlapping one)
        form = _maintained_legal_form(" ".join(spelling[start:end]))
        if form is not None:
            found[start] = (end, form)
    return found


def _phrase_spans(
    folded: list[str], org_types: Callable[..., list[tuple[str, str]]]
) -> list[tuple[int, int, list[str]]]:
    """Word spans (of two words or more) that rigour reads as one organisation type."""
    text = " ".join(folded)
    phrases = [matched for matched, _ in org_types(text, generic=False) if " " in matched]
    if not phrases:  # (nearly every name)
        return []
    starts: dict[int, int] = {}  # character offset of each word → its index
    offset = 0
    for index, word in enumerate(folded):
        starts[offset] = index
        offset += len(word) + 1
    spans: list[tuple[int, int, list[str]]] = []
    cursor = 0
    for matched in phrases:
        at = text.find(matched, cursor)
        if at < 0:
            continue
        cursor = at + len(matched)
        first, after = starts.get(at), starts.get(cursor + 1, len(folded) if cursor == len(text) else None)
        if first is not None and after is not None and 2 <= after - first <= LEGAL_PHRASE_WORDS:
            spans.append((first, after, folded))
    return spans


@cache
def _org_types() -> Callable[..., list[tuple[str, str]]] | None:
    try:
        from rigour.names.org_types import extract_org_types
    except ImportError:  # (the project's table still answers)
        return None
    return extract_org_types


def vocabulary_version() -> str:
    """The name-part vocabulary, and the rigour release whose legal forms seed it."""
    try:
        maintained = "+rigour-" + metadata.version("rigour")
    except metadata.PackageNotFoundError:
        maintained = ""
    return f"name-parts-{_vocabulary()['version']}{maintained}"


_SEPARATORS = re.compile(r"[\s,;/\\()\[\]{}\"«»“”„:_+*&|<>‐‑‒–—―-]+")
_REMOVED = re.compile(r"['’‘`´ʿʾ.ʻʼ]")
_DOTTED = re.compile(r"^(?:[^\W\d_]\.){2,}$")
_PATRONYMIC_RAW = re.compile(
    r"^(?P<stem>.{2,}?)(?P<suffix>ovich|evich|ovic|evic|ovna|evna|inichna|ichna|uulu|uly|uli|ulu|kyzy|kizi|qizi|qyzy|"
    r"gyzy|gizi|ogly|ogli|oglu|ugli|ich)$"
)
_SHORT_SUFFIXES = frozenset({"ich"})
_PATRONYMIC_WORDS = frozenset(
    {"uly", "uli", "ulu", "uulu", "kyzy", "kizi", "qizi", "qyzy", "gyzy", "gizi", "ogly", "ogli", "oglu", "ugli"}
)
_SOFT_J = re.compile(r"([aeiouy])j([aeiou]|$)")
_ABD = re.compile(r"^abd(?:ul|ol|el|al|ur|ar|er|us|as|ad|an|un|u|e|i)?(?P<rest>[a-z]{3,})$")
_ABD_WORDS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdur", "abdar", "abdus"})


@lru_cache(maxsize=10_000)
def _family_words(parts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.casefold() for part in parts for w in raw_tokens(part))


@lru_cache(maxsize=4096)  # analysis and the squashed form split the same name, one after the other
def raw_tokens(text: str) -> tuple[str, ...]:
    """Split a name into words; dotted abbreviations keep together (``d.o.o.``), initials split."""
    text = unicodedata.normalize("NFKC", text)
    words: list[str] = []
    for chunk in _SEPARATORS.split(text):
        if not chunk:
            continue
        if _DOTTED.match(chunk):
            joined = _REMOVED.sub("", chunk)
            legal = _sets()[3]
            words.extend([joined] if _letters(joined) in legal else list(joined))
            continue
        for piece in chunk.split("."):
            cleaned = _REMOVED.sub("", piece)
            if cleaned:
                words.append(cleaned)
    return tuple(words)


def _renderings(word: str) -> tuple[tuple[str, ...], bool]:
    """Latin renderings of a word (articles detached by the generator are dropped), and abjad."""
    script = detect_script(word)
    abjad = script in ("Arab", "Hebr", "Syrc")
    renderings: list[str] = []
    for variant in latin_variants(word):
        if "-" in variant:
            head, _, tail = variant.rpartition("-")
            # the Arabic article is a particle: compare what follows it
            variant = tail if head in ("al", "el", "ul") and tail else variant.replace("-", "")
        if variant and variant not in renderings:
            renderings.append(variant)
    for variant in list(renderings):
        # Й written J (ICU, GOST, German-style: Majer, Bulgarskij): also read it as Y
        if "j" in variant and (softened := _SOFT_J.sub(r"\1y\2", variant)) != variant and softened not in renderings:
            renderings.append(softened)
    return tuple(renderings), abjad


def _forms(renderings: tuple[str, ...]) -> tuple[str, ...]:
    forms: list[str] = []
    for rendering in renderings:
        form = canonical(rendering)
        if form and form not in forms:
            forms.append(form)
        # "alhashimi": the article written together with the name
        if len(rendering) >= 6 and rendering[:2] in ("al", "el") and rendering[2] not in "aeiouy":
            stripped = canonical(rendering[2:])
            if stripped not in forms:
                forms.append(stripped)
        if (match := _ABD.match(rendering)) and not rendering.startswith("abdi"):
            compound = canonical("abd" + match["rest"])
            if compound not in forms:
                forms.append(compound)
    return tuple(forms[:MAX_FORMS])


def _patronymic_stems(renderings: tuple[str, ...], long_name: bool, first: bool) -> tuple[str, ...]:
    stems: list[str] = []
    for rendering in renderings:
        match = _PATRONYMIC_RAW.match(rendering)
        if not match:
            continue
        if match["suffix"] in _SHORT_SUFFIXES and (not long_name or first or len(rendering) < 6):
            continue
        stem = canonical(match["stem"])
        if len(stem) >= 3 and stem not in stems:
            stems.append(stem)
    return tuple(stems)


@dataclass(frozen=True, slots=True)
class _Word:
    """What analysis needs to know about one written word, computed once per distinct word."""

    renderings: tuple[str, ...]
    abjad: bool
    primary: str
    forms: tuple[str, ...]
    skeletons: tuple[str, ...]
    stems: tuple[str, ...]  # father's-name stems for any patronymic suffix
    strict_stems: tuple[str, ...]  # without the short "-ich" (only valid in longer names)


WORDS_REMEMBERED = 20_000  # words analysed, remembered (real traffic meets new words all the time)
_WORDS: dict[str, _Word | None] = {}


def _word(word: str) -> _Word | None:
    found = _WORDS.get(word, _MISSING)
    if found is _MISSING:
        found = _analyse_word(word)
        if len(_WORDS) >= WORDS_REMEMBERED:
            _WORDS.clear()
        _WORDS[word] = found
    return found  # type: ignore[return-value]


_MISSING = object()


def _analyse_word(word: str) -> _Word | None:
    renderings, abjad = _renderings(word)
    if not renderings:
        return None
    forms = _forms(renderings)
    skeletons = [skeleton(f) for f in forms]
    if abjad:  # و and ي are mostly long vowels: also the skeleton without them (لونيسي ~ LOUNICI)
        skeletons += [s[0] + s[1:].replace("v", "").replace("i", "") for s in skeletons if len(s) > 2]
    return _Word(
        renderings,
        abjad,
        canonical(renderings[0]),
        forms,
        tuple(dict.fromkeys(skeletons)),
        _patronymic_stems(renderings, long_name=True, first=False),
        _patronymic_stems(renderings, long_name=False, first=False),
    )


@lru_cache(maxsize=4096)
def squashed(text: str) -> str:
    """Every word of a name (titles, particles and placeholders too) in its first Latin rendering,
    written together and folded as one word: "SheikhAhmed" and "Sheikh Ahmed" are the same letters."""
    words = (_word(w) for w in raw_tokens(text))
    return canonical("".join(w.renderings[0] for w in words if w is not None))


def analyze(text: str, *, organization: bool = False, family_parts: tuple[str, ...] = ()) -> AnalyzedName:
    """Analyse a written name. ``family_parts``: words the source marks as the family name."""
    titles, particles, placeholders, _ = _sets()
    words = raw_tokens(text)
    family_words = _family_words(family_parts) if family_parts else frozenset()
    tokens: list[Token] = []
    found_titles: list[str] = []
    real = 0
    infos = [_word(w) for w in words]
    plain = " ".join(i.primary for i in infos if i is not None and i.primary not in placeholders)
    # a name made only of title-like words ("Sayed Amir") is a name, not titles
    strip_titles = (
        not organization
        and len(words) > 1
        and any(i is not None and i.primary not in titles and i.primary not in placeholders for i in infos)
    )
    surname_titles = _title_surname(text, words, infos, family_words, titles) if strip_titles else frozenset()
    phrases = _legal_phrases(words, infos) if organization else {}
    phrase_end = 0
    for index, word in enumerate(words):
        info = infos[index]
        if info is None or index < phrase_end:
            continue
        if index in phrases:  # a legal form spelt out in several words: one optional part
            phrase_end, phrase_class = phrases[index]
            real += 1
            tokens.append(Token(" ".join(words[index:phrase_end]), (phrase_class,), (phrase_class,), Role.LEGAL))
            continue
        primary, abjad = info.primary, info.abjad
        family = (word.casefold() in family_words) if family_words else None
        if primary in placeholders:
            continue
        real += 1
        if strip_titles and primary in titles and index not in surname_titles:
            found_titles.append(word)
            continue
        if organization and (form_class := legal_form(info.renderings[0])) is not None:
            tokens.append(Token(word, (form_class,), (form_class,), Role.LEGAL))
            continue
        if primary in particles and len(words) > 1:
            cls = particles[primary]
            tokens.append(Token(word, (cls,), (cls,), Role.PARTICLE))
            continue
        if primary in _PATRONYMIC_WORDS and len(words) > 1:
            if not tokens or tokens[-1].role is not Role.NAME:
                tokens.append(Token(word, (primary,), (primary,), Role.PARTICLE))  # "uly" with no name before it
                continue
            previous = tokens.pop()
            tokens.append(
                Token(
                    previous.text + " " + word,
                    previous.forms,
                    previous.skeletons,
                    Role.PATRONYMIC,
                    stems=previous.forms,
                    abjad=previous.abjad,
                )
            )
            continue
        if len(primary) == 1 and not abjad:
            tokens.append(Token(word, (primary,), (primary,), Role.INITIAL, family=family))
            continue
        stems: tuple[str, ...] = ()
        # the first word, or a word the source marks as the family name, is no patronymic:
        # RUSAKEVICH, Vladimir Vasilyevich; PIATKEVICH Natallia (Belarusian family names)
        if not organization and index > 0 and family is not True:
            # a bare "-ich" is a patronymic only in a name of three or more parts, never the first
            stems = info.stems if len(words) >= 3 and index > 0 else info.strict_stems
        role = Role.PATRONYMIC if stems else Role.NAME
        forms, skeletons = info.forms, info.skeletons
        if organization and not abjad and (singular := _singular(info.renderings[0])):
            # LOTTERIES / LOTTERY, COMMUNICATIONS / COMMUNICATION: the singular is a rendering too
            forms = tuple(dict.fromkeys((*forms, singular)))[:MAX_FORMS]
            skeletons = tuple(dict.fromkeys((*skeletons, skeleton(singular))))
        tokens.append(Token(word, forms, skeletons, role, stems, abjad, family))
    if not organization:  # (Ansar Dine is an organisation, not a name with al-Din)
        tokens = _merge_theophoric(tokens, _comma_token(text, words, tokens))
    tokens = _merge_abd(tokens)
    if not any(not t.optional for t in tokens) and tokens:
        # a name made only of optional-looking parts ("Abu Bakr" stays; "Al" alone): keep them as names
        # (a patronymic then stands for its father's name, so that analysing the result again is stable;
        # other optional parts are dropped when a patronymic is there)
        patronymics = [t for t in tokens if t.role is Role.PATRONYMIC]
        tokens = patronymics or tokens
        tokens = [
            Token(
                t.text,
                t.stems or t.forms,
                tuple(dict.fromkeys(skeleton(f) for f in t.stems)) if t.stems else t.skeletons,
                Role.NAME,
                (),
                t.abjad,
                t.family,
            )
            for t in tokens
        ]
        # the fathers' names now stand as names: "Abd" + name joins as it would written so
        tokens = _merge_abd(tokens)
    return AnalyzedName(
        text=text,
        tokens=tuple(tokens),
        titles=tuple(found_titles),
        placeholder=real == 0 and bool(words),
        plain=plain,
    )


def _title_surname(
    text: str,
    words: tuple[str, ...],
    infos: list[_Word | None],
    family_words: frozenset[str],
    titles: frozenset[str],
) -> frozenset[int]:
    """The positions of title-like words that are the whole family name, and so a name: Sheikh,
    Haji and Mullah are surnames too ("SHEIKH, Muhammad Naeem", or the source marks them as
    the family name). A title beside a real family name ("Dr. SMITH, John") is still a title."""
    if family_words:
        marked = [i for i, w in enumerate(words) if w.casefold() in family_words]
    elif "," in text:
        marked = list(range(len(raw_tokens(text.split(",", 1)[0]))))  # "FAMILY, Given"
    else:
        return frozenset()
    if marked and all((info := infos[i]) is not None and info.primary in titles for i in marked):
        return frozenset(marked)
    return frozenset()


# Allah and al-Din after a name make one name with it, written apart in Arabic script and in many
# Latin spellings, together in others: Hidayatullah / هدايت الله / Hidayat Ullah, Jalaluddin /
# جلال الدين / Jalal al-Din / Jalal-ud-Din. The second word as written (folded casefold letters),
# and the endings of the compound
_THEOPHORIC = (
    (frozenset({"الله", "اللہ", "اللّه", "allah", "ullah", "ulla", "ollah", "olla", "ulloh"}), ("ula", "ala")),
    (
        frozenset({"الدين", "الدین", "din", "deen", "dine", "uddin", "uddeen", "eddin", "eddine", "addin", "iddin"}),
        ("udin", "adin", "edin"),
    ),
)
_THEOPHORIC_LINKS = frozenset({"al", "el", "ul", "ud", "ad", "ed", "u", "ur"})  # Jalal al-Din, Shams-ud-Din


def _theophoric_endings(word: str) -> tuple[str, ...] | None:
    letters = word.casefold().replace("-", "").replace("'", "")
    for spellings, endings in _THEOPHORIC:
        if letters in spellings:
            return endings
    return None


def _comma_token(text: str, words: tuple[str, ...], tokens: list[Token]) -> int:
    """The first token after a comma ("WARRAICH, Ullah": Ullah is a given name, not Warraich's ending)."""
    if "," not in text:
        return -1
    before = len(raw_tokens(text.split(",", 1)[0]))
    seen = 0
    for number, token in enumerate(tokens):
        seen += len(raw_tokens(token.text))
        if seen >= before:
            return number + 1
    return -1


def _merge_theophoric(tokens: list[Token], comma: int = -1) -> list[Token]:
    """A name + Allah or al-Din (with a linking article between) → one compound token; never
    across a comma (FAMILY, Given)."""
    merged: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = index + 1
        while (
            following < len(tokens)
            and following < index + 3
            and tokens[following].forms
            and tokens[following].forms[0] in _THEOPHORIC_LINKS
            and following + 1 < len(tokens)
        ):
            following += 1  # "Jalal al-Din", "Shams ud Din": the link between the two
        crosses = index < comma <= following
        endings = _theophoric_endings(tokens[following].text) if following < len(tokens) and not crosses else None
        if token.role is Role.NAME and token.forms and endings is not None and tokens[following].role is Role.NAME:
            forms = (canonical(f + e) for f in token.forms[:4] for e in endings)
            merged.append(_compound(token, tokens[following], forms))
            index = following + 1
            continue
        merged.append(token)
        index += 1
    return merged


def _compound(first: Token, second: Token, forms: Iterable[str]) -> Token:
    """Two parts made one name part (Abd al-Rahman, Hidayat Ullah), with the given folded forms."""
    kept = tuple(dict.fromkeys(forms))[:MAX_FORMS]
    return Token(
        f"{first.text} {second.text}",
        kept,
        tuple(dict.fromkeys(skeleton(f) for f in kept)),
        Role.NAME,
        abjad=first.abjad or second.abjad,
        family=second.family if second.family is not None else first.family,
    )


def _merge_abd(tokens: list[Token]) -> list[Token]:
    """``Abd`` / ``Abdul`` + (article) + name → one compound token ``abd<name>``."""
    merged: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.role is Role.NAME and token.forms and token.forms[0] in _ABD_WORDS:
            following = index + 1
            while following < len(tokens) and tokens[following].optional:
                following += 1  # "Abd al-Rahman": the article (or any optional part) between the two
            if following < len(tokens) and tokens[following].role is Role.NAME:
                nxt = tokens[following]
                merged.append(_compound(token, nxt, (canonical("abd" + f) for f in nxt.forms)))
                index = following + 1
                continue
        merged.append(token)
        index += 1
    return merged


@cache
def _given_name_groups() -> dict[str, int]:
    text = resources.files("tekser.names").joinpath("data/given_name_forms.yml").read_text(encoding="utf-8")
    groups: dict[str, int] = {}
    for number, group in enumerate(yaml.safe_load(text)["groups"]):
        for name in group:
            groups.setdefault(canonical(str(name)), number)
    return groups


def given_name_forms_version() -> str:
    text = resources.files("tekser.names").joinpath("data/given_name_forms.yml").read_text(encoding="utf-8")
    return f"given-name-forms-{yaml.safe_load(text)['version']}"


def name_groups(forms: tuple[str, ...]) -> frozenset[int]:
    """The given-name groups (data/given_name_forms.yml) a part's folded forms belong to:
    Volodya and Vladimir, Sasha and Aleksandr, Abdul and Abdullah share one."""
    table = _given_name_groups()
    return frozenset(table[f] for f in forms if f in table)
