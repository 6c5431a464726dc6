"""End-to-end tests in Debian's chromium against a real gunicorn serving the test index."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import feedparser
import pytest

from bench.serve_while_indexing import gunicorn
from tests.support import MAP_34, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "var" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install chromium); browser tests never download a browser",
    ),
]


@pytest.fixture(scope="module")
def live_server(web_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gunicorn serving the web test index, as the Makefile's serve target runs it."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    map_file = str(MAP_34) if MAP_34.exists() else ""
    with gunicorn(web_index, log, workers=2, map_file=map_file) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-sized page; fails the test on any console error (CSP violations included)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert errors == [], errors


def params(url: str) -> list[tuple[str, str]]:
    """Decoded query parameters of a URL."""
    return parse_qsl(urlsplit(url).query)


def results_heading(page: Page) -> str:
    """The result count line."""
    return " ".join(page.locator("#results-heading").inner_text().split())


def hit_titles(page: Page) -> list[str]:
    """Titles of the listed hits."""
    return page.locator(".hit-title a").all_inner_texts()


def count_of(page: Page, name: str, value: str) -> str:
    """The count shown beside one facet checkbox."""
    box = page.locator(f'input[type=checkbox][name="{name}"][value="{value}"]')
    return box.locator("xpath=..").locator(".count").inner_text()


def shoot(page: Page, name: str) -> None:
    """Save a screenshot under var/screenshots for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_type_a_query_and_tick_a_province(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    assert results_heading(page).startswith("30 bài viết")
    page.fill("#q", "xe buýt")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=xe\+bu"))
    # Empty fields are left out of the URL by the script.
    assert params(page.url) == [("q", "xe buýt")]
    assert results_heading(page).startswith("3 kết quả cho")
    assert count_of(page, "source", "baodiaphuong.example") == "2"
    assert count_of(page, "province", "Hà Nội") == "2"
    shoot(page, "search-desktop")

    # Ticking a box submits at once; the counts of other facets follow the filter.
    page.check('input[name="province"][value="Hà Nội"]')
    page.wait_for_url(re.compile(r"province="))
    assert params(page.url) == [("q", "xe buýt"), ("province", "Hà Nội")]
    assert results_heading(page).startswith("2 kết quả cho")
    assert count_of(page, "province", "Hà Nội") == "2"
    assert count_of(page, "province", "Đà Nẵng") == "1"  # post-filter: own selection ignored
    assert count_of(page, "source", "baodiaphuong.example") == "1"
    assert page.locator(".chip").inner_text().startswith("Tỉnh")
    assert page.is_checked('input[name="province"][value="Hà Nội"]')

    # The back button returns to the previous state, with a working form.
    page.go_back()
    page.wait_for_url(re.compile(r"q=xe\+bu[^&]*$"))
    assert results_heading(page).startswith("3 kết quả cho")
    assert page.is_enabled("#q")
    assert page.input_value("#q") == "xe buýt"


def test_keyboard_focus_stays_on_a_ticked_box(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=l%E1%BB%85+h%E1%BB%99i")
    box = 'input[name="source"][value="tinnhanh.example"]'
    page.focus(box)
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"source="))
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["source", "tinnhanh.example"]
    assert page.is_checked(box)


def test_sort_selector_submits(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=H%C3%A0+N%E1%BB%99i")
    page.select_option('select[name="sort"]', "oldest")
    page.wait_for_url(re.compile(r"sort=oldest"))
    assert hit_titles(page)[0] == "Hà Nội mở thêm ba tuyến xe buýt điện"


def test_click_a_histogram_bar(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.locator('svg.histogram a[aria-label^="tháng 9/2024"]').click()
    page.wait_for_url(re.compile(r"from=2024-09-01"))
    assert params(page.url) == [("from", "2024-09-01"), ("to", "2024-09-30")]
    assert results_heading(page).startswith("3 bài viết")
    assert page.input_value('input[name="from"]') == "2024-09-01"
    assert page.locator("svg.histogram a.is-dim").count() == 8


def test_date_inputs_filter(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.fill('input[name="from"]', "2025-06-01")
    page.fill('input[name="to"]', "2025-06-30")
    page.get_by_role("button", name="Áp dụng khoảng ngày").click()
    page.wait_for_url(re.compile(r"to=2025-06-30"))
    assert results_heading(page).startswith("4 bài viết")


def test_open_an_article_then_follow_a_province(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=v%E1%BA%A3i+thi%E1%BB%81u")
    page.get_by_role("link", name="Vải thiều Bắc Giang vào vụ thu hoạch").click()
    page.wait_for_url(re.compile(r"/article/t09\?q="))
    assert page.locator("h1#article-title mark").first.inner_text().lower() == "vải thiều"
    assert "ngày lấy từ nội dung" in page.locator(".article-meta").inner_text()
    assert page.locator(".similar article").count() > 0
    shoot(page, "article-desktop")
    page.get_by_role("link", name="Bắc Giang", exact=True).click()
    page.wait_for_url(re.compile(r"province_old="))
    assert params(page.url) == [("province_old", "Bắc Giang"), ("era", "old")]
    assert sorted(hit_titles(page)) == [
        "Bắc Giang khánh thành cầu mới bắc qua sông Thương",
        "Vải thiều Bắc Giang vào vụ thu hoạch",
    ]
    assert page.is_checked('input[name="province_old"][value="Bắc Giang"]')


def test_province_filter_box(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?era=old")
    box = page.locator("#facet-province_old .facet-filter")
    assert box.is_visible()
    box.fill("giang")
    visible = page.locator("#facet-province_old li:visible .facet-label").all_inner_texts()
    assert sorted(visible) == ["Bắc Giang", "Hậu Giang"]
    # Enter in the filter box does not submit the search.
    box.press("Enter")
    assert params(page.url) == [("era", "old")]
    box.fill("zzz")
    assert page.locator("#facet-province_old [data-facet-nomatch]").is_visible()


def test_keyboard_slash_focuses_the_search_box(page: Page, live_server: str) -> None:
    page.goto(live_server + "/article/t01")
    page.keyboard.press("/")
    page.keyboard.type("lễ hội")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=l"))
    assert results_heading(page).startswith("4 kết quả cho lễ hội")


@pytest.mark.skipif(not MAP_34.exists(), reason="../shared/geo/vn_provinces_34.geojson is absent")
def test_click_a_province_on_the_map(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.locator('svg.vnmap a[aria-label^="Cần Thơ:"]').click()
    page.wait_for_url(re.compile(r"province="))
    assert params(page.url) == [("province", "Cần Thơ")]
    assert results_heading(page).startswith("5 bài viết")


def test_export_csv_download(page: Page, live_server: str, tmp_path: Path) -> None:
    page.goto(live_server + "/?category=the-thao")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "vnnews-tat-ca.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 5
    assert {r["category"] for r in rows} == {"the-thao"}


def test_follow_a_search_as_an_atom_feed(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=b%C3%B3ng+%C4%91%C3%A1&sort=oldest")
    button = page.get_by_role("link", name="Atom")
    assert button.is_visible()
    shoot(page, "search-with-feed-button")
    href = button.get_attribute("href")
    assert href and href == page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    res = page.request.get(live_server + href)
    assert res.ok and res.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(res.body())
    assert not feed.bozo and feed.entries
    assert all("bóng đá" in e.title.lower() for e in feed.entries)
    days = [e.updated_parsed for e in feed.entries]
    assert days == sorted(days, reverse=True)  # newest first, whatever the page's order


def test_read_the_key_terms_and_add_one(page: Page, live_server: str) -> None:
    page.goto(live_server + "/?q=H%C3%A0+N%E1%BB%99i")
    page.get_by_role("link", name="Từ khóa").click()
    page.wait_for_url("**/terms?**")
    assert page.get_by_role("heading", name="Từ khóa nổi bật của kết quả").is_visible()
    shoot(page, "key-terms")
    page.locator("ol.terms a", has_text="xe buýt").click()
    page.wait_for_url("**/?q=**")
    assert ("q", 'Hà Nội "xe buýt"') in params(page.url)
    assert results_heading(page).startswith("2 ")


def test_a_query_typed_in_telex_is_read(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_role("searchbox").fill("xe buyts ddieenj")
    page.get_by_role("button", name="Tìm kiếm").click()
    notice = page.locator("p.notice", has_text="Telex")
    assert notice.is_visible() and "xe buýt điện" in notice.inner_text()
    assert hit_titles(page) and all("buýt" in t.lower() for t in hit_titles(page))
    shoot(page, "telex-reading")
    notice.get_by_role("link", name="Tìm đúng như đã gõ").click()
    page.wait_for_url("**/?q=**")
    assert ("q", '"xe buyts ddieenj"') in params(page.url)
    assert not page.locator("p.notice", has_text="Telex").count()


def test_phone_layout_collapses_the_filters(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(live_server + "/?q=l%E1%BB%85+h%E1%BB%99i")
        filters = phone.locator("details#filters")
        assert filters.get_attribute("open") is None
        assert phone.locator(".hit").first.is_visible()
        width: Any = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing sticks out sideways
        shoot(phone, "search-phone")
        phone.locator("details#filters > summary").click()
        assert phone.locator('input[name="province"]').first.is_visible()
        shoot(phone, "search-phone-filters")
        phone.goto(live_server + "/article/t13?q=H%E1%BB%99i+An")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        shoot(phone, "article-phone")
    finally:
        context.close()


@pytest.fixture(scope="module")
def stories_server(stories_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gunicorn serving the stories test index (same-event articles of several outlets)."""
    log = tmp_path_factory.mktemp("gunicorn-stories") / "gunicorn.log"
    with gunicorn(stories_index, log, workers=1) as server:
        yield server.url


def test_collapse_by_story_then_read_the_story(page: Page, stories_server: str) -> None:
    page.goto(stories_server + "/?q=ch%C3%A1y+chung+c%C6%B0")
    assert results_heading(page).startswith("4 ")
    page.get_by_role("link", name="Gộp theo sự kiện").click()
    page.wait_for_url("**collapse=story**")
    assert "2 sự kiện" in results_heading(page)
    assert len(hit_titles(page)) == 2
    shoot(page, "stories-collapsed")
    page.get_by_role("link", name="3 bài về sự kiện này").click()
    page.wait_for_url("**/story/s01**")
    assert "3 bài của 3 nguồn" in page.locator("p.story-meta").inner_text()
    assert len(hit_titles(page)) == 3
    shoot(page, "story-page")
    page.locator(".hit-title a").nth(1).click()
    page.wait_for_url("**/article/s02**")
    assert page.get_by_role("heading", name="Cùng sự kiện").is_visible()
    shoot(page, "article-story")


def test_draw_a_trend_and_reach_its_points_by_keyboard(page: Page, stories_server: str) -> None:
    page.goto(stories_server + "/?q=ch%C3%A1y")
    page.get_by_role("link", name="Xu hướng").click()
    page.wait_for_url("**/trends?**")
    boxes = page.locator("form.trends-form input[name=q]")
    assert boxes.nth(0).input_value() == "cháy"
    boxes.nth(1).fill("bão")
    page.locator("select[name=normalize]").select_option("share")
    page.get_by_role("button", name="Vẽ").click()
    page.wait_for_url("**normalize=share**")
    assert page.locator("svg.trend-chart g.trend-line").count() == 2
    # The colours come from the stylesheet (the page's CSP forbids inline styles).
    colour = page.locator("g.trend-line.series-2 path").evaluate("p => getComputedStyle(p).stroke")
    assert colour == "rgb(213, 94, 0)"
    page.locator("svg.trend-chart circle").first.focus()
    focused = page.evaluate("document.activeElement.querySelector('title').textContent")
    assert focused.startswith("cháy, tháng 3/2025: 4 bài")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.querySelector('title').textContent").startswith("cháy, tháng 4/2025")
    shoot(page, "trends")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("trends-")


def test_trends_on_a_phone(browser: Browser, stories_server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(stories_server + "/trends?q=ch%C3%A1y&q=b%C3%A3o&interval=week")
        width: Any = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert phone.locator("svg.trend-chart").is_visible()
        shoot(phone, "trends-phone")
        phone.goto(stories_server + "/story/s01")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(phone, "story-phone")
    finally:
        context.close()


def test_the_article_page_says_why_each_province(page: Page, live_server: str) -> None:
    page.goto(live_server + "/article/t29")
    panel = page.locator("section[aria-labelledby=places-heading]")
    assert panel.locator("ul.badges-mentioned a").all_inner_texts() == ["Huế"]
    panel.get_by_text("Vì sao gắn tỉnh/thành này?").click()
    table = panel.locator("table.evidence-table")
    assert table.is_visible()
    assert "Đà Nẵng" in table.locator("tr.is-about").inner_text()
    shoot(page, "province-evidence")
    panel.get_by_role("link", name="Huế").click()
    page.wait_for_url("**province_scope=mentions**")
    assert "Có nhắc đến" in page.locator("nav.segmented-scope .is-current").inner_text()
    shoot(page, "province-mentions")
