"""Escaping, no inline script or style, security headers, local static files."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support import page, parse_page


def test_hostile_article_text_is_escaped(client: FlaskClient) -> None:
    for url in ("/article/t06?q=l%E1%BB%ABa+%C4%91%E1%BA%A3o", "/?q=l%E1%BB%ABa+%C4%91%E1%BA%A3o"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html
        assert "<img src=x" not in html
        assert "{{ 7*7 }}" in html and ">49<" not in html
    doc = page(client, "/article/t06")
    # A javascript: address is shown as text, never as a link.
    assert not doc.one("p", class_="original").find_all("a")
    assert not [a for a in doc.find_all("a") if a.attrs.get("href", "").startswith("javascript:")]


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "{{7*7}}", "{% raw %}"])
def test_hostile_queries_are_escaped(client: FlaskClient, q: str) -> None:
    response = client.get("/", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert q not in html or q in ("{{7*7}}", "{% raw %}")
    doc = parse_page(html)
    assert doc.one("input", id="q").attrs["value"] == q
    assert not doc.find_all("svg", onload="alert(1)")


def pages_to_check(client: FlaskClient) -> list[str]:
    """The HTML of one page of each kind."""
    urls = [
        "/",
        "/?q=xe+buyt&province=H%C3%A0+N%E1%BB%99i",
        "/?era=old",
        "/article/t06?q=x",
        "/?page=abc",
        "/nope",
        "/?province=Atlantis",
        "/?q=kh%E1%BB%A7ng+long",
    ]
    return [client.get(u).get_data(as_text=True) for u in urls]


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    """The CSP forbids them, so a page that used them would break in browsers."""
    for html in pages_to_check(client):
        for node in parse_page(html).iter():
            assert "style" not in node.attrs, node
            assert not [a for a in node.attrs if a.startswith("on")], node
            if node.tag == "script":
                assert node.attrs.get("src", "").startswith("/static/") and not node.children
            assert node.tag != "style"
            resource = {"script": "src", "img": "src", "link": "href"}.get(node.tag)
            if node.tag == "link" and node.attrs.get("rel") == "alternate":
                # Not a resource the page loads: the search's feed, on this site.
                assert node.attrs["href"].startswith("/feed.atom"), node
                continue
            if resource:
                assert node.attrs[resource].startswith("/static/"), f"external resource {node}"


@pytest.mark.parametrize("url", ["/", "/article/t01", "/nope", "/?sort=up", "/static/style.css", "/export.csv"])
def test_security_headers_on_pages(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_static_files_are_served_locally(client: FlaskClient) -> None:
    for name, kind in (
        ("style.css", "text/css"),
        ("app.js", "text/javascript"),
        ("favicon.svg", "image/svg+xml"),
    ):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.mimetype == kind
    # Nothing fetched from elsewhere: no @import or url() in the CSS, no URL in the script.
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@import" not in css and "url(" not in css
    assert "http" not in client.get("/static/app.js").get_data(as_text=True)
