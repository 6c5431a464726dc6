"""HTML pages: the search page (results, facets, histogram, map) and the article page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup

from indexer import (
    FACETS,
    MAX_TERMS,
    Salience,
    SearchResult,
    ShardUnavailable,
    get_story,
    highlight,
    search,
    similar,
)

from .api import public_article
from .charts import histogram, trend_chart
from .feed import feed_url
from .labels import category_label, decimal, number, percent, vn_date
from .mapping import BUCKETS, MapGeometry, colour_classes
from .pipeline import answer, terms_answer, trends_answer
from .snapshot import get_snapshot
from .state import SearchState, highlight_query
from .state import facet as facet_of

__all__ = ["bp"]

bp = Blueprint("views", __name__)

PER_PAGE = 20
# Facet values shown before "Xem thêm"; the rest sit in a <details> element.
SHOWN_VALUES = 6
FACET_TITLES = {
    "province": "Tỉnh/thành (34)",
    "province_old": "Tỉnh/thành cũ (63)",
    "source": "Nguồn",
    "category": "Chuyên mục",
}
CHIP_LABELS = {
    "province": "Tỉnh",
    "province_old": "Tỉnh cũ",
    "source": "Nguồn",
    "category": "Chuyên mục",
}
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}


@dataclass(frozen=True)
class Chip:
    """An active filter shown above the results, with the link that removes it."""

    kind: str
    label: str
    remove_url: str


def _base() -> str:
    """The search page's path."""
    return url_for("views.search_page")


def _chips(state: SearchState, base: str) -> list[Chip]:
    """One removable chip per active filter value and one for the date range."""
    chips = []
    for facet in FACETS:
        if facet.kind != "values":
            continue
        for value in state.values(facet.name):
            label = category_label(value) if facet.name == "category" else value
            remove = state.toggled(facet.name, value).url(base)
            chips.append(Chip(CHIP_LABELS.get(facet.name, facet.name), label, remove))
    first, last = state.request.date_from, state.request.date_to
    if first or last:
        if first and last:
            label = f"{vn_date(first)} – {vn_date(last)}"
        elif first:
            label = f"từ {vn_date(first)}"
        else:
            label = f"đến {vn_date(last)}"
        chips.append(Chip("Thời gian", label, state.dates(None, None).url(base)))
    return chips


def _facet_groups(result: dict[str, Any], state: SearchState) -> list[dict[str, Any]]:
    """The sidebar's checkbox lists: the province list of the chosen era, source, category."""
    shown = [state.facet_name, "source", "category"]
    groups = []
    for facet in shown:
        values = result["facets"].get(facet, [])
        for entry in values:
            entry["label"] = category_label(entry["value"]) if facet == "category" else entry["value"]
        groups.append(
            {
                "name": facet,
                "title": FACET_TITLES[facet],
                "head": values[:SHOWN_VALUES],
                "more": values[SHOWN_VALUES:],
                # Selected values hidden under "more" should not hide the fact they are selected.
                "more_selected": any(v["selected"] for v in values[SHOWN_VALUES:]),
                "filterable": facet.startswith("province") and len(values) > SHOWN_VALUES,
            }
        )
    return groups


def _map(state: SearchState, result: dict[str, Any], base: str) -> dict[str, Any] | None:
    """Regions coloured by this search's counts, each a link toggling its province."""
    maps: dict[str, MapGeometry | None] = current_app.extensions.get("vnnews_maps", {})
    geometry = maps.get(state.era)
    if geometry is None:
        return None
    facet = state.facet_name
    counts = {e["value"]: e["count"] for e in result["facets"].get(facet, [])}
    selected = set(state.values(facet))
    classes = colour_classes({r.name: counts.get(r.name, 0) for r in geometry.regions})
    regions = []
    for region in geometry.regions:
        count = counts.get(region.name, 0)
        regions.append(
            {
                "name": region.name,
                "d": region.d,
                "count": count,
                "cls": classes[region.name],
                "selected": region.name in selected,
                # A province without matches would lead to an empty page, unless it is selected.
                "href": state.toggled(facet, region.name).url(base) if count or region.name in selected else None,
            }
        )
    # Selected outlines are drawn last so neighbours do not cover them.
    regions.sort(key=lambda r: r["selected"])
    legend = []
    for cls in range(1, BUCKETS + 1):
        members = [counts.get(n, 0) for n, c in classes.items() if c == cls]
        if members:
            low, high = min(members), max(members)
            legend.append(
                {
                    "cls": cls,
                    "label": number(low) if low == high else f"{number(low)}–{number(high)}",
                }
            )
    return {
        "width": geometry.width,
        "height": geometry.height,
        "regions": regions,
        "legend": legend,
        "era": state.era,
    }


def _widened(state: SearchState, result: SearchResult) -> dict[str, Any] | None:
    """For an empty result with filters: how many matches the query has without them."""
    if result.total or not state.has_filters:
        return None
    bare = state.cleared()
    count = search(get_snapshot(), bare.request.with_(facets=False, snippets=False, page=1, per_page=1)).total
    return {"total": count, "url": bare.url(_base())}


@bp.get("/")
def search_page() -> str:
    """The search page; with no query it lists every article, newest first."""
    base = _base()
    found = answer(get_snapshot(), request.args, base, default_per_page=PER_PAGE, with_era=True)
    state, result = found.state, found.data
    suggestion_url = None
    if result["suggestion"]:
        suggestion_url = state.with_request(q=result["suggestion"]["text"], page=1).url(base)
    flip = "off" if state.request.variants == "on" else "on"
    variants_url = state.with_request(variants=flip, page=1).url(base)
    other_era = "old" if state.era == "new" else "new"
    other_scope = "about" if state.request.province_scope == "mentions" else "mentions"
    hidden_filters = [(f, v) for f in ("province", "province_old") if f != state.facet_name for v in state.values(f)]
    return render_template(
        "search.html",
        state=state,
        result=result,
        hits=[_hit_view(h, state) for h in result["hits"]],
        groups=_facet_groups(result, state),
        chips=_chips(state, base),
        clear_url=state.cleared().url(base),
        pagination=found.pagination,
        histogram=histogram(result["facets"]["date"], state, base),
        map=_map(state, result, base),
        era_url=state.with_(era=other_era).url(base),
        scope_url=state.with_request(province_scope=other_scope, page=1).url(base),
        collapse_url=state.with_request(collapse="none" if state.request.collapse == "story" else "story", page=1).url(
            base
        ),
        hidden_filters=hidden_filters,
        suggestion_url=suggestion_url,
        variants_url=variants_url,
        widened=_widened(state, found.result),
        sort_labels=SORT_LABELS,
        export_query=state.query_string(view=False),
        feed_url=feed_url(state),
        terms_url=state.with_request(page=1).url(url_for("views.terms_page"), view=False) if state.request.q else None,
        trends_url=state.with_request(page=1).url(url_for("views.trends_page"), view=False),
        typed_url=state.with_request(q=f'"{state.request.q}"', page=1).url(base) if found.result.searched else None,
        base=base,
    )


def _hit_view(hit: dict[str, Any], state: SearchState) -> dict[str, Any]:
    """A hit with its links and safe snippet."""
    article_url = url_for("views.article_page", article_id=hit["id"], q=state.request.q or None)
    facet = state.facet_name
    story = hit.get("story")
    return {
        **hit,
        "href": article_url,
        "story_url": url_for("views.story_page", article_id=story["id"]) if story else None,
        "snippet_html": Markup(hit["snippet"]),  # escaped by the core, <mark> only
        # Badges follow the province list shown: the 34 new units or the 63 old ones, those the
        # article is about or all it mentions.
        "province_links": [
            (p, state.toggled(facet, p).url(_base()), p in state.values(facet))
            for p in hit[facet_of(facet).field_for(state.request.province_scope)]
        ],
    }


def _safe_url(url: str | None) -> str | None:
    """The article's original URL if it is a web address (a javascript: URL must not be a link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _paragraphs(html: str) -> list[Markup]:
    """Split highlighted text on newlines, closing and reopening a <mark> cut by a line break."""
    out = []
    carry = False
    for line in html.split("\n"):
        if carry:
            line = "<mark>" + line
        opened = line.count("<mark>") - line.count("</mark>")
        carry = opened > 0
        if carry:
            line += "</mark>"
        if line.strip():
            out.append(Markup(line))  # escaped by the core, <mark> only
    return out


@bp.get("/terms")
def terms_page() -> str:
    """The words most characteristic of a search's results, each a link that adds it to the query."""
    from .api import limit_arg

    found = terms_answer(get_snapshot(), request.args, url_for("views.search_page"), limit_arg(30, MAX_TERMS))
    return render_template("terms.html", found=found, number=number)


@bp.get("/trends")
def trends_page() -> str:
    """Up to four queries drawn as lines over time, with the page's filters, as counts or shares."""
    from indexer import INTERVALS, MAX_QUERIES, NORMALIZE

    base = _base()
    state, data = trends_answer(get_snapshot(), request.args, base)
    queries = [line["query"] for line in data["series"]]
    filters = state.with_request(q="", page=1)
    query_string = urlencode(
        [("q", q) for q in queries]
        + [("interval", data["interval"]), ("normalize", data["normalize"])]
        + filters.items(view=False)
    )
    return render_template(
        "trends.html",
        data=data,
        chart=trend_chart(data),
        queries=queries + [""] * (MAX_QUERIES - len(queries)),
        intervals=dict(zip(INTERVALS, ("Ngày", "Tuần", "Tháng"), strict=True)),
        normalizations=dict(zip(NORMALIZE, ("Số bài", "Tỉ lệ trên số bài của kỳ"), strict=True)),
        hidden_filters=filters.items(view=False),
        query_string=query_string,
        back_url=state.with_request(q=queries[0] if queries else "", page=1).url(base),
        number=number,
    )


@bp.get("/story/<id:article_id>")
def story_page(article_id: str) -> str:
    """One story: the articles of every outlet that reported the same event, earliest first."""
    from .api import known_id

    story = get_story(get_snapshot(), known_id(article_id))
    fresh = SearchState.blank(PER_PAGE)
    return render_template(
        "story.html",
        story=story,
        # Each card would repeat the story it is part of: the page says it once.
        articles=[_hit_view({**h, "story": None}, fresh) for h in story["articles"]],
        back_url=SearchState.blank(PER_PAGE, q=highlight_query(request.args)).url(_base()),
    )


@bp.get("/article/<id:article_id>")
def article_page(article_id: str) -> str:
    """One article in full, the query's words marked, with its provinces and similar articles."""
    article = public_article(article_id)
    q = highlight_query(request.args)
    title = article["title"] or article["display_title"]
    base = _base()
    related = similar(get_snapshot(), article["id"], limit=5)
    try:
        story: dict[str, Any] | None = get_story(get_snapshot(), article["id"])
    except ShardUnavailable:
        # A story spans shards: with one of them down the article is still shown, without the block.
        story = None
    fresh = SearchState.blank(PER_PAGE)
    return render_template(
        "article.html",
        decimal=decimal,
        percent=percent,
        threshold=Salience.shipped().threshold,
        article=article,
        q=q,
        title_html=Markup(highlight(title, q)),  # escaped by the core, <mark> only
        sapo_html=_paragraphs(highlight(article["sapo"] or "", q)),
        body_html=_paragraphs(highlight(article["body"] or "", q)),
        original_url=_safe_url(article["url"]),
        province_links=[(p, fresh.toggled("province", p).url(base)) for p in article["provinces"]],
        province_old_links=[
            (p, fresh.toggled("province_old", p).with_(era="old").url(base)) for p in article["provinces_old"]
        ],
        mentioned_links=[
            (p, fresh.with_request(province_scope="mentions").toggled("province", p).url(base))
            for p in article["provinces_mentioned"]
            if p not in article["provinces"]
        ],
        evidence=article["province_evidence"],
        source_url=fresh.toggled("source", article["source"]).url(base) if article["source"] else None,
        category_url=fresh.toggled("category", article["category"]).url(base) if article["category"] else None,
        back_url=SearchState.blank(PER_PAGE, q=q).url(base),
        similar=[_hit_view(h.to_dict(), fresh) for h in related],
        story=story,
        story_url=url_for("views.story_page", article_id=story["id"]) if story else None,
        story_others=[_hit_view(h, fresh) for h in story["articles"] if h["id"] != article["id"]] if story else [],
    )
