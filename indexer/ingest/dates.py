"""One resolved calendar date per article, with where it came from (published, text, seen, none).

Dates are calendar days in Vietnam (Asia/Ho_Chi_Minh). resolve_date() documents the order of the
sources and exactly which dates written in an article count as its own date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "BadDate",
    "DateSource",
    "VIETNAM",
    "parse_published",
    "parse_seen",
    "text_date",
    "resolve_date",
]

DateSource = Literal["published", "text", "seen", "none"]

# zoneinfo rather than a fixed +07:00: the offset has changed in the past (Saigon kept +08:00
# until 1975), and the tz database knows when.
VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")

# Extended ISO 8601 only, as the corpora write it; datetime.fromisoformat alone would also accept
# basic and week forms ("20210101", "2021-W01-1") that no feed produces and that hide typos.
_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)

# A dateline that far back is history being recalled, never the date of an article in a news
# archive: Vietnamese news went online in 1997, and print archives scanned later start around 1990.
_EARLIEST_YEAR: Final = 1990
# How many characters of the body may hold the dateline; it sits in the first lines, and scanning
# all of a 251k-article corpus would only add dates that describe something else.
BODY_SCAN: Final = 1500


class BadDate(ValueError):
    """A date field that is not an ISO 8601 date or datetime."""


def _parse_iso(value: object, field: str) -> dt.date:
    """Calendar date in Vietnam of an ISO 8601 date or datetime string."""
    if not isinstance(value, str):
        raise BadDate(f"{field} date must be an ISO 8601 string, got {value!r}")
    text = value.strip()
    match = _ISO.fullmatch(text)
    if match is None:
        raise BadDate(f"{field} date is not ISO 8601 (YYYY-MM-DD[Thh:mm[:ss]][±hh:mm]): {value!r}")
    try:
        if match.end("date") == len(text):
            return dt.date.fromisoformat(text)
        stamp = dt.datetime.fromisoformat(text.replace(",", "."))
    except ValueError as err:
        raise BadDate(f"{field} date is out of range: {value!r} ({err})") from err
    if stamp.tzinfo is not None:
        # A feed time in UTC or another zone belongs to the Vietnamese calendar day it fell on.
        stamp = stamp.astimezone(VIETNAM)
    return stamp.date()


def parse_published(value: str) -> dt.date:
    """Vietnam-local date of a published value: ISO date, or datetime (naive = Vietnam time)."""
    return _parse_iso(value, "published")


def parse_seen(value: str) -> dt.date:
    """Vietnam-local date of a seen value (normally an ISO date); same rules as parse_published."""
    return _parse_iso(value, "seen")


# ---------------------------------------------------------------------------------------------
# Datelines in the text
#
# Vietnamese news opens with the day the event happened: "Ngày 7/6, ...", "Sáng 17/1, ...",
# "Chiều nay (29/4), ...", "(Dân trí) - Tối 27/6 ...", and Tuổi Trẻ writes "ngày 3-3". Only a date
# introduced by one of these words counts: a bare "7/6" is as often a fraction, a score or a
# quarter ("1/3 số hộ", "thắng 2-1", "quý 1/2021").

_PART_OF_DAY = r"(?:rạng\s+sáng|sáng\s+sớm|sáng|trưa|xế\s+chiều|chiều\s+tối|chiều|tối|đêm|khuya)"
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)"
_LEAD = (
    rf"(?:{_PART_OF_DAY}(?:\s+(?P<rel1>nay|qua|hôm\s+nay|hôm\s+qua))?(?:,?\s+{_WEEKDAY})?"
    r"(?:\s+ngày)?"
    rf"|(?:ngày\s+)?hôm\s+(?P<rel2>nay|qua)(?:,?\s+{_WEEKDAY})?"
    rf"|{_WEEKDAY}(?:\s+ngày)?"
    r"|ngày|hôm)"
)
_DATELINE = re.compile(
    rf"(?<![^\W\d_])(?P<lead>{_LEAD})\s*(?:,\s*|\(\s*)?(?:ngày\s+)?"
    r"(?:(?P<day>\d{1,2})\s?(?P<sep>[/-])\s?(?P<month>\d{1,2})(?:\s?(?P=sep)\s?(?P<year>\d{4}))?"
    # The long form of official documents: "ngày 5 tháng 3 năm 2020".
    r"|(?P<lday>\d{1,2})\s+tháng\s+(?P<lmonth>\d{1,2})(?:\s+năm\s+(?P<lyear>\d{4}))?)"
    # Not part of a longer figure: "1/3/20", "5/3-7/3", "9-10/4" or a decimal.
    r"(?!\d|[/.,]\d|\s?[-–]\s?\d)",
    re.IGNORECASE,
)
# The words just before turn a date into a deadline, either end of a range, a holiday, a birth date
# or background: "đến ngày 30/6", "từ ngày 1/7", "dịp 30/4", "sinh ngày 5/3", "Trước đó, ngày 2/3".
_NOT_DATELINE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:đến|tới|từ|trước(?:\s+đó)?|sau(?:\s+đó)?|hết|hạn|sinh|sn|dịp|nhân|lễ|mừng"
    r"|niệm|tết|sẽ|kiến|chót|cuối|đầu|giữa|cho|tính)"
    r"[\s,]*(?:cả\s+|vào\s+|hết\s+|hôm\s+|ngày\s+|lúc\s+\S+\s+)?(?:tháng\s+)?$",
    re.IGNORECASE,
)
# Words just after: a lunar date, an upcoming day, a range's end, one of a list of dates, a photo,
# "năm ngoái" (of last year), or a unit that makes "ngày 9-10 tiếng" hours per day.
_NOT_DATELINE_AFTER = re.compile(
    r"\s*\)?\s*(?:âm\s+lịch|\(?\s*âl\b|\(?al\b|tới(?!\s+nay)|sắp\s+tới|năm\s+(?:ngoái|trước)\b"
    r"|(?:tiếng|giờ|phút|ngày|tuần|tháng|năm(?!\s+nay)|tuổi|lần|người|km|m|kg|%)(?!\w)"
    r"|(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?\d|(?:,|và|hoặc)\s*(?:ngày\s+)?\d{1,2}\s?[/-]\s?\d"
    r"|[^\n]{0,80}\(\s*ảnh\b)",
    re.IGNORECASE,
)
# A future verb in the same clause makes the date an announcement: "sẽ ra mắt ngày 22/5",
# "dự kiến khai mạc ngày 22/5", "ngày 21/6 sẽ công bố"; and "vào ngày 9/3" inside a sentence
# reports an earlier event or a scheduled one rather than the day of writing.
_FUTURE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:sẽ|sắp|dự\s+kiến|dự\s+định|kế\s+hoạch|lên\s+lịch)(?![^\W\d_])[^,.;:!?\n]*$",
    re.IGNORECASE,
)
_VAO = re.compile(r"(?<![^\W\d_])vào\s+$", re.IGNORECASE)
_FUTURE_AFTER = re.compile(r"[^,.;:!?\n]{0,30}?(?<![^\W\d_])(?:sẽ|sắp|dự\s+kiến)(?![^\W\d_])", re.IGNORECASE)
# A sentence ends at ". " (not after "TP." or "Tp.") or at a line break.
_SENTENCE_END = re.compile(r"(?<![A-ZĐ])(?<![A-ZĐ][a-zđ])[.!?…]+[\"”’)\]]*\s+|\n+")
# What may come between a sentence's start and its dateline: "(Dân trí) - ", "TTO - ", "VOV.VN - ".
_SOURCE_TAG = re.compile(r"[\s\W]*(?:\([^()\n]{1,40}\)\s*[-–—:|>]*|[A-ZĐ][\w.]{1,14}\s*[-–—:|>]+)?\s*")
# Years stated in the lead, which may complete a day/month of the same month: full dates and
# "tháng 6/2021". A span of years ("giai đoạn 2022-2026"), a document number ("62/2011/QĐ-TTg"),
# a map scale ("tỷ lệ 1/2000") or a licence plate ("37P2-2882") is not a date.
_YEAR_MENTION = re.compile(
    r"(?<![\w/.,-])(?:(?P<day>\d{1,2})\s?(?P<sep>[/-])\s?|(?<=tháng )|(?<=Tháng ))"
    r"(?P<month>\d{1,2})\s?(?(sep)(?P=sep)|[/-])\s?(?P<year>\d{4})(?!\w|[/.,-]\w)"
)
# Any year the lead names ("năm 2017", "5/3/2017", the end of "2016-2017"): a later one than the
# same-month year means that year is being compared or remembered. Over-matching ("số 62/2011")
# only ever withholds a year.
_ANY_YEAR = re.compile(
    r"(?:(?<=năm )|(?<=Năm )|(?<=/)|(?<=-)|(?<=- ))(?P<year>(?:199|20\d)\d)"
    r"(?!\w|[/.,-]\d|\s?[-–]\s?\d)"
)
_BIRTH_BEFORE = re.compile(r"(?<![^\W\d_])(?:sinh|sn)\b[^\n]{0,12}$", re.IGNORECASE)
# Longest gap accepted between a text date and seen. With no limit, on every 5th baomoi-2017
# article (one run): 84% of text dates fell 0-60 days before seen, 14% at 61-120 (a backlog first
# seen on 2017-05-08), 0.5% at 121-300, then 1.2% at 301-366: day/months lying just after seen
# (announcements, or a crawler day behind Vietnam's) that "the latest year not after seen" pushes
# back a year. Half a year separates the two.
MAX_LAG_DAYS: Final = 183

Candidate = tuple[int, int, int | None, int]


def _valid_day_month(day: int, month: int) -> bool:
    """Whether day/month exists in some year (29/2 does, 31/4 never)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    try:
        dt.date(2000, month, day)  # a leap year: 29/2 passes here and is checked again per year
    except ValueError:
        return False
    return True


def _opening_sentences(part: str) -> tuple[int, int]:
    """Where the first and the second sentence of a field end."""
    ends: list[int] = []
    for m in _SENTENCE_END.finditer(part):
        ends.append(m.end())
        if len(ends) == 2:
            break
    first_end = ends[0] if ends else len(part)
    return first_end, ends[1] if len(ends) == 2 else len(part)


def _datelines(part: str, is_title: bool) -> list[Candidate]:
    """(day, month, year or None, days to add) of each dateline of one field, in reading order.

    A dateline is a dateline word followed by a day/month[/year], not rejected by the words around
    it, lying in the field's first sentence or opening its second one. A date with a year is a
    dateline only in a title, after "nay"/"qua", or opening the field ("Ngày 12/10/2020, ...");
    elsewhere a stated year marks an earlier event ("Trước đó, ngày 17/3/2021").
    """
    first_end, limit = _opening_sentences(part)
    found: list[Candidate] = []
    for m in _DATELINE.finditer(part, 0, limit):
        start = m.start()
        if _NOT_DATELINE_BEFORE.search(part, max(0, start - 24), start):
            continue
        if _NOT_DATELINE_AFTER.match(part, m.end()):
            continue
        day = int(m.group("day") or m.group("lday"))
        month = int(m.group("month") or m.group("lmonth"))
        if not _valid_day_month(day, month):
            continue
        sentence_start = 0 if start < first_end else first_end
        opening = _SOURCE_TAG.fullmatch(part, sentence_start, start) is not None
        if start >= first_end and not opening:
            continue
        if not opening and _FUTURE_BEFORE.search(part, max(sentence_start, start - 60), start):
            continue
        bare_lead = m.group("lead").lower() in ("ngày", "hôm")
        if bare_lead and _VAO.search(part, max(0, start - 8), start):
            continue
        if _FUTURE_AFTER.match(part, m.end()):
            continue
        rel = (m.group("rel1") or m.group("rel2") or "").lower()
        written_year = m.group("year") or m.group("lyear")
        year = int(written_year) if written_year else None
        if year is not None and not (is_title or rel or (opening and start < first_end)):
            continue
        # "hôm qua (4/3)" names the day before the one the article was written on.
        found.append((day, month, year, 1 if rel.endswith("qua") else 0))
    return found


def _complete_from_seen(day: int, month: int, seen: dt.date) -> dt.date | None:
    """The latest date with this day/month not after seen, if within MAX_LAG_DAYS of it."""
    for year in (seen.year, seen.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # 29/2 outside a leap year
        if candidate <= seen:
            return candidate if (seen - candidate).days <= MAX_LAG_DAYS else None
    return None


def _context_year(zone: list[str], month: int) -> int | None:
    """The year the lead states for this month, if it states exactly one and no later year.

    Only the same month counts: a lead that says "tháng 4/2021" and "Sáng 23/4" is about April
    2021, while a year stated for another month is usually an earlier event being recalled. A later
    year anywhere in the lead ("năm 2017" beside "so với tháng 2/2016") means the stated one is a
    comparison or a memory, so nothing is returned.
    """
    years: set[int] = set()
    latest = 0
    for part in zone:
        part = part[: _opening_sentences(part)[1]]
        for m in _ANY_YEAR.finditer(part):
            if not _NOT_DATELINE_BEFORE.search(part, max(0, m.start() - 30), m.start()):
                latest = max(latest, int(m.group("year")))
        for m in _YEAR_MENTION.finditer(part):
            year = int(m.group("year"))
            if int(m.group("month")) != month or year < _EARLIEST_YEAR:
                continue
            if m.group("day") and not _valid_day_month(int(m.group("day")), month):
                continue
            if _BIRTH_BEFORE.search(part, max(0, m.start() - 16), m.start()):
                continue
            # "từ tháng 10/2019", "đến hết tháng 4/2024": the start or end of a span, not now.
            if _NOT_DATELINE_BEFORE.search(part, max(0, m.start() - 30), m.start()):
                continue
            years.add(year)
    if len(years) != 1:
        return None
    year = years.pop()
    return year if year >= latest else None


def text_date(title: str, sapo: str, body: str, seen: dt.date | None = None) -> dt.date | None:
    """The article's own date as its lead states it, or None; see resolve_date for the rules."""
    zone = [title or "", sapo or "", (body or "")[:BODY_SCAN]]
    for index, part in enumerate(zone):
        for day, month, year, shift in _datelines(part, index == 0):
            if year is None and seen is not None:
                written = _complete_from_seen(day, month, seen - dt.timedelta(days=shift))
                if written is None:
                    continue
            else:
                if year is None:
                    year = _context_year(zone, month)
                    if year is None:
                        continue
                if year < _EARLIEST_YEAR:
                    continue
                try:
                    written = dt.date(year, month, day)
                except ValueError:
                    continue
            found = written + dt.timedelta(days=shift)
            if seen is not None and not 0 <= (seen - found).days <= MAX_LAG_DAYS:
                continue  # after seen it is an announcement; long before it, an earlier event
            return found
    return None


def resolve_date(
    published: str | None, seen: str | None, title: str, sapo: str, body: str
) -> tuple[dt.date | None, DateSource]:
    """Article date and its source: published, else a dateline in the text, else seen, else none.

    1. published, when not None: parse_published(published) (BadDate if malformed; "" is
       malformed, only None means missing).
    2. A dateline in the text (source "text"). Looked for in the title, the sapo and the first
       BODY_SCAN (1,500) characters of the body, in that order, and within each only in the first
       sentence or at the very start of the second (sentences end at ". ", "! ", "? " or a line
       break). A dateline is a date written right after a dateline word: "ngày", "hôm", a part of
       the day ("sáng", "trưa", "chiều", "tối", "đêm", "khuya", "rạng sáng", ...), optionally
       with "nay"/"qua"/"hôm nay"/"hôm qua", a weekday ("thứ Hai", "chủ nhật") or "ngày" after
       it, and optionally a "(" or ", ": "Ngày 7/6", "sáng 17/1", "chiều 3-3", "Chiều nay (29/4)",
       "hôm qua (4/3)", "Hôm nay (ngày 5/9/2019)", "ngày 5 tháng 3 năm 2020". The first one that
       survives all of the rules below is the article's date.
       - It is not a dateline when the words before it make it a deadline, a span, a holiday, a
         birth date or background ("đến/tới/từ/trước/sau/hết/hạn ngày", "dịp 30/4", "nhân ngày",
         "sinh ngày", "Trước đó, ngày"), when a future word shares its clause ("sẽ", "sắp",
         "dự kiến", "ngày 21/6 sẽ công bố"), when a bare "ngày"/"hôm" follows "vào" mid-sentence,
         or when what follows makes it something else: a lunar date ("âm lịch"), an upcoming day
         ("tới", "sắp tới"), last year's ("năm ngoái"), a range or list ("5/3 đến 7/3", "ngày
         3-3 và 5-3", "ngày 9-10/4"), a quantity ("9-10 tiếng") or a photo caption ("(Ảnh: ...").
       - Day and month must exist (31/4 and 32/1 are not dates; 29/2 only in a leap year).
       - A date with its year ("ngày 12/10/2020") counts only in the title, after "nay"/"qua", or
         opening its field; elsewhere a stated year marks an earlier event. Years before 1990 are
         history, never a dateline.
       - "qua" (yesterday) moves the date one day on: "Tối qua (4/3)" was written on 5/3.
       - A day/month without a year takes it from seen when seen is given: the latest such date
         not after seen (28/12 seen on 2017-01-03 is 2016-12-28). Without seen, the year comes
         from the lead's opening sentences if they state exactly one year for the same month, as
         a full date or "tháng 6/2021", and no later year ("năm 2017") anywhere there; a span of
         years ("giai đoạn 2022-2026") or a document number ("62/2011/QĐ-TTg") is not a year.
         Otherwise the year is unknown and the date is skipped, never guessed: the seed article's
         "Ngày 7/6" without seen or a stated year gives (None, "none").
       - With seen, a date after seen (seen is an upper bound: that date was an announcement) or
         more than MAX_LAG_DAYS (183) before it is skipped.
       A month/year alone ("tháng 6/2021") or a year alone ("năm 2021") is never a day-level
       date: it would pin the article to an arbitrary day, so it only ever supplies a year.
    3. seen, when not None: parse_seen(seen) (BadDate if malformed), source "seen".
    4. (None, "none").
    """
    if published is not None:
        return parse_published(published), "published"
    seen_date = parse_seen(seen) if seen is not None else None
    found = text_date(title, sapo, body, seen_date)
    if found is not None:
        return found, "text"
    if seen_date is not None:
        return seen_date, "seen"
    return None, "none"
