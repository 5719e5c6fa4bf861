"""Derive dates from the timescales and deadlines council officers write in a WSOA plan.

The text itself is always kept by the caller; this module only derives dates from it.
``parse_timescale(text)`` returns a :class:`ParsedTimescale` with ``start``, ``due``,
``is_ongoing`` and ``reading`` (a short human explanation of how the text was read). It uses
the standard library only and never raises on any string (or ``None``) input.

The rules, in the order they are applied, are tabled in :mod:`wsoa.dates` ("How a plan
timescale is read"), next to the vocabulary of months, years, terms and quarters that this
module shares with :mod:`kpis.periods`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from wsoa import dates
from wsoa.dates import MAX_YEAR, MIN_YEAR

__all__ = ["MAX_YEAR", "MIN_YEAR", "NO_DATE_READING", "ParsedTimescale", "parse_timescale"]

NO_DATE_READING = "no date could be derived"


@dataclass(frozen=True)
class ParsedTimescale:
    """The dates derived from one timescale or deadline text."""

    start: date | None
    due: date | None
    is_ongoing: bool
    reading: str


def parse_timescale(text: str | None) -> ParsedTimescale:
    """Derive a start, a due date and an ongoing flag from a timescale as written.

    Never raises: anything that cannot be read gives no dates and the reading
    ``'no date could be derived'``. See the module docstring for the rules.
    """
    try:
        return _parse(text)
    except Exception:  # pragma: no cover - a safety net; _parse is tested never to raise
        return ParsedTimescale(None, None, False, NO_DATE_READING)


# --------------------------------------------------------------------------------------------
# Building blocks (the shared vocabulary is in wsoa.dates)

# A plan's bare "2019/20" is an academic year: plans are written around the school year.
_BARE_YEAR_PAIR_IS_FINANCIAL = False
_CONTEXT = 60  # characters looked at either side of a date for marker words
_SLASH_OR_HYPHEN = r"(?:\s*/\s*|-)"
_YEARS = rf"(?P<y1>[0-9]{{4}}|[0-9]{{2}}){_SLASH_OR_HYPHEN}(?P<y2>[0-9]{{4}}|[0-9]{{2}})"
# The year of a term: "2019", "2019/20", "2019/2020" or "2019-20".
_TERM_YEARS = (
    r"'?(?P<y1>[0-9]{4}|[0-9]{2})(?:\s*/\s*(?P<y2>[0-9]{4}|[0-9]{2})|-(?P<y3>[0-9]{2}))?(?![0-9])"
)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


_ONGOING = _compile(
    r"(?<![a-z])(?:on-?\s*going|thereafter|continu(?:ous|ously|ing|al|ally|e|es)"
    r"|(?:bi|six)-?\s*monthly|bi-?\s*weekly|monthly|half-?\s*termly|termly|quarterly|weekly"
    r"|fortnightly|annually|yearly|bi-?\s*annually|rolling|onwards?|and\s+beyond|regularly"
    r"|(?:every|each)\s+(?:week|month|term|half-?\s*term|quarter|year))(?![a-z])"
)
_RANGE_GAP = _compile(r"\s*(?:-+>?|to|till|til|until|through|thru|up\s+to|into|>)\s*")
_LIST_GAP = _compile(r"\s*(?:[,;&/+]\s*)?(?:(?:and|or|then)\s+)?")

_WEEK_OF = _compile(
    r"(?<![a-z])(?:week\s+(?:commencing|beginning|starting|of)|w/c|w/b|wc|wb)\s*[:,-]?\s*$"
)
_START_BEFORE = _compile(
    r"(?<![a-z])(?:from|since|starting|starts|started|start\s+(?:in|on|from|date)"
    r"|commenc(?:e|es|ed|ing)|begin(?:s|ning)?|effective|w\.?e\.?f\.?|with\s+effect\s+from)"
    r"(?:\s+(?:in|on|at|the|date|is|early|mid|late|around|approx(?:imately)?))*\s*[:,-]?\s*$"
)
_BEFORE_BEFORE = _compile(
    r"(?<![a-z])(?:before|prior\s+to|ahead\s+of)(?:\s+(?:the\s+)?(?:start|beginning)\s+of)?"
    r"\s*[:,-]?\s*$"
)
_DUE_BEFORE = _compile(
    r"(?<![a-z])(?:by|until|till|til|deadline|due|no\s+later\s+than|not\s+later\s+than|latest"
    r"|end\s+of|close\s+of|up\s+to|target(?:\s+date)?|(?:before|prior\s+to)\s+(?:the\s+)?end\s+of)"
    r"(?:\s+(?:the|end|of|in|on|at|date|is|for|latest|close))*\s*[:,-]?\s*$"
)
_ONWARDS_AFTER = _compile(r"\s*[),]?\s*(?:onwards?|on\s+wards|and\s+beyond)(?![a-z])")

_FINANCIAL_BEFORE = _compile(rf"(?<![a-z]){dates.FINANCIAL_WORDS}\s*(?:of\s+)?[:-]?\s*$")
_FINANCIAL_AFTER = _compile(rf"\s*{dates.FINANCIAL_WORDS}(?![a-z])")
_ACADEMIC_BEFORE = _compile(rf"(?<![a-z]){dates.ACADEMIC_WORDS}\s*(?:of\s+)?[:-]?\s*$")
_ACADEMIC_AFTER = _compile(rf"\s*{dates.ACADEMIC_WORDS}(?![a-z])")


@dataclass
class _Mention:
    """One dated item found in the text."""

    pos: int
    end: int
    kind: str  # "day", "month", "year" or "period"
    label: str = ""
    start: date | None = None
    due: date | None = None
    month: int = 0  # bare items (no year yet) only
    day: int = 0  # bare day items only
    role: str = "plain"  # "plain", "from", "by" or "before"
    range_start: bool = False
    range_end: bool = False

    @property
    def dated(self) -> bool:
        return self.start is not None


class _Skip:
    """A handler's answer for 'not a date, leave the text for later patterns'."""


_SKIP = _Skip()


def _fmt(value: date) -> str:
    return f"{value.day} {dates.MONTH_NAMES[value.month - 1]} {value.year}"


def _month_of(match: re.Match[str]) -> int:
    """The month a pattern read, by name (group mon) or by number (group m)."""
    name = match.groupdict().get("mon")
    return dates.month_number(name) if name else int(match["m"])


def _period_mention(match: re.Match[str], kind: str, label: str, span: dates.Span) -> _Mention:
    return _Mention(match.start(), match.end(), kind, label, *span)


# --------------------------------------------------------------------------------------------
# Pattern handlers: each returns a _Mention, None (date-shaped but impossible: the text is used
# up and nothing is derived from it) or _SKIP (not a date here: leave the text alone).


def _h_day(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    year, month = dates.read_year(match["y"]), _month_of(match)
    if year is None or not 1 <= month <= 12:
        return None
    try:
        value = date(year, month, int(match["d"]))
    except ValueError:
        return None
    return _period_mention(match, "day", _fmt(value), (value, value))


def _h_month(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    year, month = dates.read_year(match["y"]), _month_of(match)
    if year is None or not 1 <= month <= 12:
        return None
    label = f"{dates.MONTH_NAMES[month - 1]} {year}"
    return _period_mention(match, "month", label, dates.month_span(year, month))


def _h_financial_quarter(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    years = dates.read_year_pair(match["y1"], match["y2"])
    if years is None:
        return None
    number = int(match["q"])
    label = f"Q{number} of the financial year {years[0]}/{str(years[1])[2:]}"
    return _period_mention(match, "period", label, dates.quarter(years[0], number, financial=True))


def _h_calendar_quarter(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    year = dates.read_year(match["y"])
    if year is None:
        return None
    number = int(match["q"])
    return _period_mention(
        match, "period", f"Q{number} {year}", dates.quarter(year, number, financial=False)
    )


def _h_term(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    """A term or half term of a year, or of an academic year ("Spring term 2019/20")."""
    name = match["t"].lower()
    second_digits = match["y2"] or match["y3"]
    if not second_digits:
        year = dates.read_year(match["y1"])
    elif years := dates.read_year_pair(match["y1"], second_digits):
        year = dates.year_of_month(years[0], dates.TERMS[name][0], financial=False)
    else:
        year = None
    if year is None:
        return None
    half = int(match["h"]) if match.groupdict().get("h") else None
    label = f"the {name.capitalize()} term {year}"
    if half is not None:
        label = f"the {'first' if half == 1 else 'second'} half of {label}"
    return _period_mention(match, "period", label, dates.term(year, name, half))


def _h_year_span(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    before = norm[max(0, match.start() - _CONTEXT) : match.start()]
    after = norm[match.end() : match.end() + _CONTEXT]
    financial = bool(_FINANCIAL_BEFORE.search(before) or _FINANCIAL_AFTER.match(after))
    academic = bool(_ACADEMIC_BEFORE.search(before) or _ACADEMIC_AFTER.match(after))
    needs_context = len(match["y1"]) == 2 or (match["y3"] is not None and len(match["y3"]) == 4)
    if needs_context and not (financial or academic):
        return _SKIP
    years = dates.read_year_pair(match["y1"], match["y2"] or match["y3"])
    if years is None:
        return None
    is_financial = financial or (not academic and _BARE_YEAR_PAIR_IS_FINANCIAL)
    label = f"the {'financial' if is_financial else 'academic'} year {years[0]}/{str(years[1])[2:]}"
    return _period_mention(
        match, "period", label, dates.year_pair(years[0], financial=is_financial)
    )


def _capitalised_if_wordlike(match: re.Match[str], original: str) -> bool:
    start = match.start("mon")
    return (
        match["mon"].lower() not in dates.WORDLIKE_MONTHS or original[start : start + 1].isupper()
    )


def _h_bare_month(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    """A month, or a day and month, without a year: dated later by _give_years."""
    if not _capitalised_if_wordlike(match, original):
        return _SKIP
    day_digits = match.groupdict().get("d")
    kind = "month" if day_digits is None else "day"
    day = 0 if day_digits is None else int(day_digits)
    return _Mention(
        match.start(), match.end(), kind, month=dates.month_number(match["mon"]), day=day
    )


def _h_year(match: re.Match[str], norm: str, original: str) -> _Mention | _Skip | None:
    year = dates.read_year(match["y"])
    if year is None:
        return _SKIP
    return _period_mention(match, "year", str(year), dates.year_span(year))


# Applied in this order; text used by one pattern is hidden from the later ones.
_PASSES = (
    (_compile(rf"(?<![0-9]){dates.ISO_DATE}(?![0-9])"), _h_day),
    (_compile(rf"(?<![0-9/.]){dates.NUMERIC_DATE}(?![0-9]|[/.-][0-9])"), _h_day),
    (_compile(rf"(?<![0-9.]){dates.DAY_MONTH_YEAR}(?![a-z]|[/.][0-9])"), _h_day),
    (
        _compile(
            rf"{dates.MONTH}\s*(?P<d>[0-9]{{1,2}})(?![0-9]){dates.ORDINAL}\s*,?\s+"
            r"(?P<y>[0-9]{4})(?![0-9]|[/.][0-9])"
        ),
        _h_day,
    ),
    (
        _compile(rf"(?<![a-z0-9]){dates.FINANCIAL_QUARTER_PREFIX}{_YEARS}(?![0-9])"),
        _h_financial_quarter,
    ),
    (
        _compile(
            rf"(?<![0-9])(?P<y1>[0-9]{{4}}){_SLASH_OR_HYPHEN}(?P<y2>[0-9]{{4}}|[0-9]{{2}})"
            rf"{dates.FINANCIAL_QUARTER_SUFFIX}(?![0-9])"
        ),
        _h_financial_quarter,
    ),
    (
        _compile(rf"(?<![a-z0-9]){dates.CALENDAR_QUARTER}(?!\s*/\s*[0-9]|-[0-9])"),
        _h_calendar_quarter,
    ),
    (
        _compile(
            r"(?<![a-z])(?P<t>autumn|spring|summer)\s*(?:term\s*)?(?P<h>[12])(?:st|nd)?"
            rf"(?:\s*half(?:\s*term)?)?(?:\s*,\s*|\s+)(?:of\s+)?{_TERM_YEARS}"
        ),
        _h_term,
    ),
    (
        _compile(
            rf"(?<![a-z])(?P<t>autumn|spring|summer)(?:\s+term)?\s*,?\s*(?:of\s+)?{_TERM_YEARS}"
        ),
        _h_term,
    ),
    (
        _compile(
            r"(?<![0-9/.])(?P<y1>[0-9]{4}|[0-9]{2})"
            r"(?:\s*/\s*(?P<y2>[0-9]{4}|[0-9]{2})|-(?P<y3>[0-9]{4}|[0-9]{2}))"
            r"(?![0-9]|[/.-][0-9])"
        ),
        _h_year_span,
    ),
    (
        _compile(r"(?<![0-9/.])(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})(?![0-9]|[/.][0-9])"),
        _h_month,
    ),
    (_compile(rf"{dates.MONTH}(?:\s*,\s*|\s+|-)?'?{dates.YEAR}(?![a-z]|[/.][0-9])"), _h_month),
    (
        _compile(rf"(?<![0-9.])(?P<d>[0-9]{{1,2}}){dates.ORDINAL}(?:\s+of\s+|\s+|-)?{dates.MONTH}"),
        _h_bare_month,
    ),
    (_compile(dates.MONTH), _h_bare_month),
    (_compile(r"(?<![0-9\u00a3$\u20ac])(?P<y>[0-9]{4})(?![0-9]|[.,][0-9])"), _h_year),
)


# --------------------------------------------------------------------------------------------
# The parse


def _parse(text: object) -> ParsedTimescale:
    if not isinstance(text, str) or not text.strip():
        return ParsedTimescale(None, None, False, NO_DATE_READING)
    norm = dates.normalise(text)
    ongoing_word = _ONGOING.search(norm) is not None
    mentions, rejected = _find_mentions(norm, text)
    _give_years(mentions, norm)
    mentions = [mention for mention in mentions if mention.dated]
    if not mentions:
        return ParsedTimescale(None, None, ongoing_word, NO_DATE_READING)
    _give_roles(mentions, norm)
    linked = _link_ranges(mentions, norm)
    return _combine(mentions, linked, ongoing_word, rejected)


def _find_mentions(norm: str, original: str) -> tuple[list[_Mention], list[str]]:
    work = norm
    mentions: list[_Mention] = []
    rejected: list[str] = []
    for pattern, handler in _PASSES:
        used: list[tuple[int, int]] = []
        for match in pattern.finditer(work):
            result = handler(match, norm, original)
            if isinstance(result, _Skip):
                continue
            used.append(match.span())
            if result is None:
                rejected.append(norm[match.start() : match.end()].strip())
            else:
                mentions.append(result)
        if used:
            chars = list(work)
            for start, end in used:
                chars[start:end] = "\x00" * (end - start)
            work = "".join(chars)
    mentions.sort(key=lambda mention: mention.pos)
    return mentions, rejected


def _joined(norm: str, left: _Mention, right: _Mention) -> bool:
    gap = norm[left.end : right.pos]
    return bool(_RANGE_GAP.fullmatch(gap) or _LIST_GAP.fullmatch(gap))


def _settle(mention: _Mention, year: int) -> None:
    """Give a bare month or day-and-month its year, if that makes a real date."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return
    if mention.kind == "month":
        mention.start = date(year, mention.month, 1)
        mention.due = dates.last_day(year, mention.month)
        mention.label = f"{dates.MONTH_NAMES[mention.month - 1]} {year}"
        return
    try:
        value = date(year, mention.month, mention.day)
    except ValueError:
        return
    mention.start = mention.due = value
    mention.label = _fmt(value)


def _give_years(mentions: list[_Mention], norm: str) -> None:
    """Bare months borrow a year from the dated item they are listed or ranged with (rule 11)."""
    for index in range(len(mentions) - 2, -1, -1):
        mention, following = mentions[index], mentions[index + 1]
        if mention.dated or not following.dated or not _joined(norm, mention, following):
            continue
        assert following.start is not None
        year = following.start.year
        if following.kind != "year" and mention.month > following.start.month:
            year -= 1
        _settle(mention, year)
    for index in range(1, len(mentions)):
        mention, previous = mentions[index], mentions[index - 1]
        if mention.dated or not previous.dated or not _joined(norm, previous, mention):
            continue
        assert previous.due is not None
        year = previous.due.year
        if previous.kind != "year" and mention.month < previous.due.month:
            year += 1
        _settle(mention, year)


def _give_roles(mentions: list[_Mention], norm: str) -> None:
    """Mark items introduced by from/starting (rule 13), by/until (14) or before (15)."""
    for index, mention in enumerate(mentions):
        previous_end = mentions[index - 1].end if index else 0
        next_pos = mentions[index + 1].pos if index + 1 < len(mentions) else len(norm)
        before = norm[max(previous_end, mention.pos - _CONTEXT) : mention.pos]
        after = norm[mention.end : min(next_pos, mention.end + _CONTEXT)]
        if _WEEK_OF.search(before):
            continue
        if _START_BEFORE.search(before) or _ONWARDS_AFTER.match(after):
            mention.role = "from"
        elif _BEFORE_BEFORE.search(before):
            mention.role = "before"
        elif _DUE_BEFORE.search(before):
            mention.role = "by"


def _link_ranges(mentions: list[_Mention], norm: str) -> bool:
    """Mark pairs joined by a range word (rule 10); True if there is at least one."""
    linked = False
    for left, right in zip(mentions, mentions[1:], strict=False):
        if _RANGE_GAP.fullmatch(norm[left.end : right.pos]):
            left.range_start = True
            right.range_end = True
            linked = True
    return linked


def _combine(
    mentions: list[_Mention], linked: bool, ongoing_word: bool, rejected: list[str]
) -> ParsedTimescale:
    several = len(mentions) > 1
    starts: list[tuple[date, _Mention]] = []
    dues: list[tuple[date, _Mention]] = []
    has_from = False
    for mention in mentions:
        assert mention.start is not None and mention.due is not None
        if mention.role == "from":
            has_from = True
            starts.append((mention.start, mention))
        elif mention.role == "by":
            dues.append((mention.due, mention))
        elif mention.role == "before":
            limit = mention.start - timedelta(days=1)
            if limit.year >= MIN_YEAR:
                dues.append((limit, mention))
        else:
            gives_start = mention.range_start or not mention.range_end
            gives_due = mention.range_end or not mention.range_start
            if gives_start and (several or mention.kind == "period"):
                starts.append((mention.start, mention))
            if gives_due:
                dues.append((mention.due, mention))

    start, start_from = min(starts, key=lambda pair: pair[0]) if starts else (None, None)
    due, due_from = max(dues, key=lambda pair: pair[0]) if dues else (None, None)
    is_ongoing = ongoing_word or (has_from and not dues)
    if start is None and due is None:
        return ParsedTimescale(None, None, is_ongoing, NO_DATE_READING)

    if start is not None and due is not None and start > due:
        assert start_from is not None and due_from is not None
        earliest = min(mentions, key=lambda mention: mention.start or date.max)
        reading = (
            f"the dates run backwards ({start_from.label} comes after {due_from.label}), "
            f"so no due date was derived; {_start_phrase(earliest)}, the earliest date"
        )
        return ParsedTimescale(
            earliest.start, None, is_ongoing, _with_notes(reading, is_ongoing, False, rejected)
        )

    if start is not None and due is not None and start_from is due_from:
        assert start_from is not None
        body = f"{start_from.label} ({_fmt(start)} to {_fmt(due)})"
    else:
        phrases = []
        if start_from is not None:
            phrases.append(_start_phrase(start_from))
        if due_from is not None and due is not None:
            phrases.append(_due_phrase(due_from, due))
        body = ", ".join(phrases)
    if linked:
        body = f"read as a range, {body}"
    elif several and all(mention.role == "plain" for mention in mentions):
        body = f"several dates, earliest to latest: {body}"
    reading = _with_notes(body, is_ongoing, due is not None, rejected)
    return ParsedTimescale(start, due, is_ongoing, reading)


def _start_phrase(mention: _Mention) -> str:
    assert mention.start is not None
    if mention.kind == "day":
        return f"starting {mention.label}"
    if mention.kind == "month":
        return f"starting at the beginning of {mention.label}"
    return f"starting at the beginning of {mention.label} ({_fmt(mention.start)})"


def _due_phrase(mention: _Mention, due: date) -> str:
    if mention.role == "before":
        return f"due before {mention.label} ({_fmt(due)})"
    if mention.kind == "day":
        return f"due on {mention.label}"
    if mention.kind == "month":
        return f"due at the end of {mention.label}"
    return f"due at the end of {mention.label} ({_fmt(due)})"


def _with_notes(reading: str, is_ongoing: bool, has_due: bool, rejected: list[str]) -> str:
    if is_ongoing:
        reading += "; also described as ongoing" if has_due else "; ongoing with no end date"
    for snippet in rejected:
        reading += f"; ignored '{snippet}', not a date this parser accepts"
    return reading
