"""The peer engines, built from the pyvi pass's tokens: SQLite FTS5 (standard library) and Tantivy.

Both index the same lowercase pyvi words (`khủng_bố`) per field, weight title 3, sapo 1.5, body 1
like vnnews's BM25F, and filter and count the same province (34 units), source and date values.
A query's text is segmented by the same pyvi analyzer at query time (inside the timed call).
"""

from __future__ import annotations

import sqlite3
import string
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy

from .engines import Outcome, disk_mb
from .queries import BenchQuery, PeerQuery, peer_form
from .tokens import TokenDoc, read_docs

__all__ = ["build_sqlite", "build_tantivy", "SqliteEngine", "TantivyEngine"]

WEIGHTS = (3.0, 1.5, 1.0)
TEXT = ("title", "sapo", "body")
SNIPPET_TOKENS = 24
LEAD_CHARS = 200

# ----------------------------------------------------------------------------------------------
# SQLite FTS5

# The tokens are pyvi words separated by spaces (Tantivy's whitespace tokenizer takes them so):
# punctuation inside one ("l.trường" from the byline "L.TRƯỜNG", "1.000") must not split it, or
# FTS5 matches "trường" there and Tantivy does not. Quotes stay out (they would need escaping).
_TOKEN_CHARS = "".join(c for c in string.punctuation if c not in "'\"")
_FTS_TOKENIZER = f"unicode61 remove_diacritics 0 tokenchars '{_TOKEN_CHARS}'"
_SCHEMA = f"""
CREATE TABLE docs(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, display TEXT, url TEXT,
    source TEXT, day INTEGER NOT NULL, ym TEXT
);
CREATE TABLE doc_province(
    docid INTEGER NOT NULL, province TEXT NOT NULL, PRIMARY KEY (docid, province)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(title, sapo, body, tokenize="{_FTS_TOKENIZER}");
"""
# Built after the bulk load, which is faster than maintaining them row by row.
_INDEXES = """
CREATE INDEX docs_day ON docs(day);
CREATE INDEX docs_source_day ON docs(source, day);
CREATE INDEX doc_province_name ON doc_province(province, docid);
"""


def _fts_string(token: str) -> str:
    """A token as an FTS5 string literal (inside, FTS5 applies the column's tokenizer)."""
    return '"' + token.replace('"', '""') + '"'


def _fts_match(pq: PeerQuery) -> str:
    """Every word and every phrase required, in any column."""
    parts = [_fts_string(w) for w in pq.words]
    parts += [_fts_string(" ".join(p)) for p in pq.phrases]
    return " AND ".join(parts)


def build_sqlite(work: Path, dest: Path) -> int:
    """Load the pass's documents into a fresh SQLite database; returns the article count."""
    if dest.exists():
        dest.unlink()
    con = sqlite3.connect(dest)
    try:
        con.executescript(_SCHEMA)
        # FTS5's bm25() scores the row as one document: weight the columns like vnnews does, and
        # make it the table's rank so that ORDER BY rank is served by FTS5's own sorter.
        con.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", (f"bm25{WEIGHTS}",))
        count = 0
        with con:
            for rowid, doc in enumerate(read_docs(work), start=1):
                con.execute(
                    "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        rowid,
                        doc["id"],
                        doc["display"],
                        doc["url"],
                        doc["source"] or None,
                        doc["day"],
                        doc["ym"] or None,
                    ),
                )
                con.executemany("INSERT INTO doc_province VALUES (?, ?)", ((rowid, p) for p in doc["provinces"]))
                con.execute(
                    "INSERT INTO fts(rowid, title, sapo, body) VALUES (?, ?, ?, ?)",
                    (rowid, doc["title"], doc["sapo"], doc["body"]),
                )
                count = rowid
        with con:
            con.executescript(_INDEXES)
            con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()
    return count


class SqliteEngine:
    """FTS5 search: rank-ordered matches joined to the metadata table; filters as EXISTS/IN."""

    name = "sqlite"

    def __init__(self, db: Path) -> None:
        self.db = db
        self.con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        # Read through the OS page cache like Tantivy's and Whoosh's memory-mapped files.
        self.con.execute("PRAGMA mmap_size = 4294967296")

    @staticmethod
    def _filters(pq: PeerQuery, alias: str, skip: str | None = None) -> tuple[str, list[Any]]:
        """SQL conditions on a row `alias` (rowid, source, day) for each filter except skip's."""
        sql: list[str] = []
        args: list[Any] = []
        if pq.provinces and skip != "province":
            marks = ",".join("?" * len(pq.provinces))
            sql.append(
                f"EXISTS (SELECT 1 FROM doc_province p WHERE p.docid = {alias}.rowid AND p.province IN ({marks}))"
            )
            args += pq.provinces
        if pq.sources and skip != "source":
            sql.append(f"{alias}.source IN ({','.join('?' * len(pq.sources))})")
            args += pq.sources
        if pq.dated and skip != "month":
            sql.append(f"{alias}.day BETWEEN ? AND ?")
            args += [pq.day_from, pq.day_to]
        return "".join(" AND " + s for s in sql), args

    def run(self, query: BenchQuery, facets: bool) -> Outcome:
        """Total, one page of hits with snippets, and facets if asked."""
        pq = peer_form(query)
        cur = self.con.cursor()
        where, args = self._filters(pq, "d")
        if pq.browse:
            total = cur.execute(f"SELECT count(*) FROM docs d WHERE 1{where}", args).fetchone()[0]
            rows = cur.execute(
                "SELECT d.id, d.display, d.url, d.source, d.day, "
                f"(SELECT substr(body, 1, {LEAD_CHARS}) FROM fts WHERE fts.rowid = d.rowid) "
                f"FROM docs d WHERE 1{where} ORDER BY d.day DESC, d.rowid LIMIT ? OFFSET ?",
                [*args, pq.limit, pq.offset],
            ).fetchall()
        else:
            match = _fts_match(pq)
            if where:
                total = cur.execute(
                    f"SELECT count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ?{where}",
                    [match, *args],
                ).fetchone()[0]
            else:
                total = cur.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", [match]).fetchone()[0]
            # FTS5 is the outer loop in rank order, so snippets are made for the page's rows only.
            rows = cur.execute(
                "SELECT d.id, d.display, d.url, d.source, d.day, "
                f"snippet(fts, -1, '<b>', '</b>', '…', {SNIPPET_TOKENS}) "
                "FROM fts JOIN docs d ON d.rowid = fts.rowid "
                f"WHERE fts MATCH ?{where} ORDER BY fts.rank LIMIT ? OFFSET ?",
                [match, *args, pq.limit, pq.offset],
            ).fetchall()
        out = Outcome(total, [r[0] for r in rows], [r[5] or "" for r in rows])
        if facets:
            out.facets = self._facets(cur, pq)
        return out

    def _facets(self, cur: sqlite3.Cursor, pq: PeerQuery) -> dict[str, dict[str, int]]:
        """Province, source and month counts over the matched rows, each ignoring its own filter."""
        # The matched rows are computed once (a materialised CTE), then grouped three ways.
        if pq.browse:
            matched, margs = "SELECT rowid, source, day, ym FROM docs", []
        else:
            matched = (
                "SELECT d.rowid AS rowid, d.source AS source, d.day AS day, d.ym AS ym "
                "FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ?"
            )
            margs = [_fts_match(pq)]
        parts: list[str] = []
        args: list[Any] = list(margs)
        for facet, column, join in (
            ("province", "p.province", "JOIN doc_province p ON p.docid = m.rowid"),
            ("source", "m.source", ""),
            ("month", "m.ym", ""),
        ):
            where, fargs = self._filters(pq, "m", skip=facet)
            parts.append(
                f"SELECT '{facet}', {column}, count(*) FROM m {join} "
                f"WHERE {column} IS NOT NULL{where} GROUP BY {column}"
            )
            args += fargs
        sql = f"WITH m AS MATERIALIZED ({matched}) " + " UNION ALL ".join(parts)
        out: dict[str, dict[str, int]] = {"province": {}, "source": {}, "month": {}}
        for facet, value, count in cur.execute(sql, args):
            out[facet][value] = count
        return out

    def size_mb(self) -> float:
        """The database file."""
        return disk_mb(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


# ----------------------------------------------------------------------------------------------
# Tantivy

_HEAP_BYTES = 256_000_000  # the same writer budget as vnnews's Whoosh writer (limitmb=256)
_FACET_SIZE = 100_000  # more buckets than any facet has, so terms counts are exact


def _tantivy_schema() -> tantivy.Schema:
    """Text fields of pre-segmented words (whitespace tokenizer), fast fields for facets."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("display", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title", stored=False, tokenizer_name="whitespace")
    sb.add_text_field("sapo", stored=False, tokenizer_name="whitespace")
    # Stored for snippets, as vnnews stores its text and FTS5 keeps its content.
    sb.add_text_field("body", stored=True, tokenizer_name="whitespace")
    sb.add_text_field("source", stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("year_month", fast=True, tokenizer_name="raw")
    sb.add_text_field("province", fast=True, tokenizer_name="raw")
    sb.add_integer_field("day", stored=True, indexed=True, fast=True)
    return sb.build()


def _tantivy_doc(doc: TokenDoc) -> tantivy.Document:
    """One article; empty values are left out so they are neither matched nor counted."""
    d = tantivy.Document()
    d.add_text("id", doc["id"])
    d.add_text("display", doc["display"])
    d.add_text("url", doc["url"])
    for name in TEXT:
        if doc[name]:
            d.add_text(name, doc[name])
    if doc["source"]:
        d.add_text("source", doc["source"])
    if doc["ym"]:
        d.add_text("year_month", doc["ym"])
    for p in doc["provinces"]:
        d.add_text("province", p)
    d.add_integer("day", doc["day"])
    return d


def build_tantivy(work: Path, dest: Path, jobs: int) -> int:
    """Index the pass's documents into a fresh Tantivy folder; returns the article count."""
    dest.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_tantivy_schema(), path=str(dest), reuse=False)
    writer = index.writer(heap_size=_HEAP_BYTES, num_threads=jobs)
    count = 0
    for doc in read_docs(work):
        writer.add_document(_tantivy_doc(doc))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


class TantivyEngine:
    """Tantivy search: boolean queries over term/phrase queries, aggregations for facets."""

    name = "tantivy"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = tantivy.Index.open(str(folder))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _word(self, word: str) -> tantivy.Query:
        """One token in any text field, fields weighted like vnnews's."""
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, f, word), w))
                for f, w in zip(TEXT, WEIGHTS, strict=True)
            ]
        )

    def _phrase(self, words: tuple[str, ...]) -> tantivy.Query:
        """Tokens in a row in any text field."""
        if len(words) == 1:
            return self._word(words[0])
        return tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.phrase_query(self.schema, f, list(words)), w),
                )
                for f, w in zip(TEXT, WEIGHTS, strict=True)
            ]
        )

    def _filters(self, pq: PeerQuery) -> dict[str, tantivy.Query]:
        """One query per active filter, scored 0 so they select without changing the ranking."""
        out: dict[str, tantivy.Query] = {}
        if pq.provinces:
            out["province"] = tantivy.Query.term_set_query(self.schema, "province", list(pq.provinces))
        if pq.sources:
            out["source"] = tantivy.Query.term_set_query(self.schema, "source", list(pq.sources))
        if pq.dated:
            out["month"] = tantivy.Query.range_query(
                self.schema,
                "day",
                tantivy.FieldType.Integer,
                lower_bound=pq.day_from,
                upper_bound=pq.day_to,
            )
        return {k: tantivy.Query.const_score_query(q, 0.0) for k, q in out.items()}

    @staticmethod
    def _combine(text: tantivy.Query | None, filters: Iterable[tantivy.Query]) -> tantivy.Query:
        must = ([text] if text is not None else []) + list(filters)
        if not must:
            return tantivy.Query.all_query()
        if len(must) == 1:
            return must[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])

    def run(self, query: BenchQuery, facets: bool) -> Outcome:
        """Total, one page of hits with snippets, and facets if asked."""
        pq = peer_form(query)
        parts = [self._word(w) for w in pq.words] + [self._phrase(p) for p in pq.phrases]
        text = None if pq.browse else self._combine(None, parts)
        filters = self._filters(pq)
        full = self._combine(text, filters.values())
        if pq.browse:
            res = self.searcher.search(
                full, limit=pq.limit, offset=pq.offset, count=True, order_by_field="day", order=tantivy.Order.Desc
            )
        else:
            res = self.searcher.search(full, limit=pq.limit, offset=pq.offset, count=True)
        hits = list(self._hits(res, text))
        out = Outcome(res.count or 0, [h[0] for h in hits], [h[1] for h in hits])
        if facets:
            out.facets = self._facets(text, filters)
        return out

    def _hits(self, res: tantivy.SearchResult, text: tantivy.Query | None) -> Iterator[tuple[str, str]]:
        """(id, snippet) of each hit; when browsing, the body's start stands for the snippet."""
        gen = None
        if text is not None and res.hits:
            gen = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "body")
            gen.set_max_num_chars(LEAD_CHARS)
        for _key, addr in res.hits:
            doc = self.searcher.doc(addr)
            if gen is not None:
                snippet = gen.snippet_from_doc(doc).to_html()
            else:
                snippet = (doc.get_first("body") or "")[:LEAD_CHARS]
            yield doc.get_first("id"), snippet

    def _facets(self, text: tantivy.Query | None, filters: dict[str, tantivy.Query]) -> dict[str, dict[str, int]]:
        """Facet counts, each ignoring its own filter: one aggregation per distinct query."""
        fields = {"province": "province", "source": "source", "month": "year_month"}
        out: dict[str, dict[str, int]] = {}
        # Facets whose own filter is not active share the fully filtered query.
        shared = [f for f in fields if f not in filters]
        groups: list[tuple[list[str], tantivy.Query]] = []
        if shared:
            groups.append((shared, self._combine(text, filters.values())))
        for facet in filters:
            others = [q for k, q in filters.items() if k != facet]
            groups.append(([facet], self._combine(text, others)))
        for names, q in groups:
            spec = {n: {"terms": {"field": fields[n], "size": _FACET_SIZE}} for n in names}
            result = self.searcher.aggregate(q, spec)
            for n in names:
                out[n] = {b["key"]: b["doc_count"] for b in result[n]["buckets"]}
        return out

    def size_mb(self) -> float:
        """The index folder."""
        return disk_mb(self.folder)

    def close(self) -> None:
        """Nothing to do: tantivy-py has no close(); files are released when the object goes."""
