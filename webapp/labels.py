"""Vietnamese wording and number/date formats for the pages (Jinja filters and globals)."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask

__all__ = [
    "category_label",
    "date_source_note",
    "number",
    "vn_date",
    "month_label",
    "seconds",
    "init_app",
]

# News sites file articles under URL sections; these are the common ones, spelled out.
_CATEGORIES = {
    "ban-doc": "Bạn đọc",
    "bat-dong-san": "Bất động sản",
    "chinh-tri": "Chính trị",
    "cong-nghe": "Công nghệ",
    "doi-song": "Đời sống",
    "du-hoc": "Du học",
    "du-lich": "Du lịch",
    "giai-tri": "Giải trí",
    "giao-duc": "Giáo dục",
    "giao-duc-huong-nghiep": "Giáo dục - Hướng nghiệp",
    "goc-nhin": "Góc nhìn",
    "khoa-hoc": "Khoa học",
    "khoa-hoc-cong-nghe": "Khoa học - Công nghệ",
    "kinh-doanh": "Kinh doanh",
    "kinh-te": "Kinh tế",
    "o-to-xe-may": "Ô tô - Xe máy",
    "phap-luat": "Pháp luật",
    "so-hoa": "Số hóa",
    "suc-khoe": "Sức khỏe",
    "suc-manh-so": "Sức mạnh số",
    "the-gioi": "Thế giới",
    "the-thao": "Thể thao",
    "thoi-su": "Thời sự",
    "van-hoa": "Văn hóa",
    "viec-lam": "Việc làm",
    "xa-hoi": "Xã hội",
    "xe": "Xe",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_DATE_SOURCES = {
    "text": "ngày lấy từ nội dung",
    "seen": "ngày thu thập",
}


def category_label(value: str | None) -> str:
    """A readable name for a category value ('suc-khoe' → 'Sức khỏe'); other values as they are."""
    if not value:
        return ""
    if value in _CATEGORIES:
        return _CATEGORIES[value]
    if _SLUG.fullmatch(value):
        return value.replace("-", " ").capitalize()
    return value


def date_source_note(source: str | None) -> str:
    """How a date was obtained, when it is not the publication date."""
    return _DATE_SOURCES.get(source or "", "")


def number(value: int | float) -> str:
    """Vietnamese grouping: 12.345."""
    return f"{int(value):,}".replace(",", ".")


def decimal(value: float) -> str:
    """One decimal, Vietnamese style: 2,5 ("0" for nothing)."""
    return f"{value:.1f}".replace(".", ",") if value else "0"


def percent(share: float) -> str:
    """A share as Vietnamese readers write it: 0.6667 → '66,67%', 1.0 → '100%'."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def seconds(ms: float) -> str:
    """A duration as people read it: '12 ms' below a second, '1,25 giây' above."""
    if ms < 1000:
        return f"{max(ms, 1):.0f} ms"
    return f"{ms / 1000:.2f}".replace(".", ",") + " giây"


def vn_date(value: str | date | None) -> str:
    """'2021-05-31' → '31/05/2021'."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def month_label(value: str) -> str:
    """'2021-05' → 'tháng 5/2021'."""
    year, month = value.split("-")
    return f"tháng {int(month)}/{year}"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(category_label, "category")
    app.add_template_filter(date_source_note, "date_note")
    app.add_template_filter(number, "number")
    app.add_template_filter(seconds, "seconds")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(vn_date, "vndate")
    app.add_template_filter(month_label, "month")
