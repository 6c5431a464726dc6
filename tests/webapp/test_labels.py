"""Vietnamese number, date and category formats."""

from __future__ import annotations

from webapp.labels import category_label, number, seconds, vn_date


def test_vietnamese_formats() -> None:
    assert number(1234567) == "1.234.567"
    assert vn_date("2021-05-31") == "31/05/2021"
    assert seconds(3.2) == "3 ms" and seconds(1250) == "1,25 giây"
    assert category_label("suc-khoe") == "Sức khỏe"
    assert category_label("bong-da-anh") == "Bong da anh"
    assert category_label("Thế giới") == "Thế giới"
