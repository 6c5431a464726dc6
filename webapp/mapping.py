"""Vietnam's provinces as inline SVG paths, computed once per GeoJSON file and coloured per search.

Longitude and latitude are projected equirectangularly with longitude scaled by cos(16°) (the
country's middle latitude), rings are simplified (Douglas-Peucker) and written with integer
coordinates in a 1000-unit-wide box, so a whole map weighs tens of kilobytes instead of megabytes.
Islets too small to survive simplification become small squares so the archipelagos stay visible.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer import Era, Gazetteer, UnknownProvince

__all__ = ["MapError", "MapGeometry", "Region", "load_map", "colour_classes", "BUCKETS"]

WIDTH = 1000
# cos(16°): one degree of longitude is this fraction of a degree of latitude around 16°N.
_XSCALE = math.cos(math.radians(16))
# Simplification tolerance in map units (1 unit ≈ 1.6 km).
TOLERANCE = 1.0
ISLET = 5
# Colour classes besides 0 ("no article"): more would not be told apart on a small map.
BUCKETS = 5

Point = tuple[float, float]


class MapError(Exception):
    """A map file that cannot be read or has no usable province."""


@dataclass(frozen=True)
class Region:
    """One province's outline: its gazetteer name and SVG path data."""

    name: str
    code: str
    d: str


@dataclass(frozen=True)
class MapGeometry:
    """Every province of one map file, in one era, with the drawing's size."""

    era: Era
    width: int
    height: int
    regions: tuple[Region, ...]


def _rings(geometry: dict[str, Any]) -> list[list[Point]]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(p[0]), float(p[1])) for p in ring] for poly in polygons for ring in poly]


def _simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (rings have thousands of points; recursion would be deep)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = math.hypot(px - x1, py - y1)
            else:
                dist = abs(dy * (px - x1) - dx * (py - y1)) / norm
            if dist > best:
                best, index = dist, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring_path(points: list[tuple[int, int]]) -> str:
    """'M x y' then relative moves: shorter than absolute coordinates."""
    (x0, y0), out = points[0], []
    out.append(f"M{x0} {y0}")
    px, py = x0, y0
    steps = []
    for x, y in points[1:]:
        steps.append(f"{x - px} {y - py}".replace(" -", "-"))
        px, py = x, y
    out.append("l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(out)


def _islet(x: float, y: float) -> str:
    """A small square centred on (x, y), for an island smaller than the map's resolution."""
    left, top = round(x - ISLET / 2), round(y - ISLET / 2)
    return f"M{left} {top}h{ISLET}v{ISLET}h-{ISLET}z"


def _project(bounds: tuple[float, float, float, float]) -> tuple[Callable[[Point], Point], int]:
    """A lon/lat → map-unit function for these bounds, and the drawing's height."""
    west, south, east, north = bounds
    scale = WIDTH / ((east - west) * _XSCALE)

    def project(p: Point) -> Point:
        """Map units of one lon/lat point."""
        return (p[0] - west) * _XSCALE * scale, (north - p[1]) * scale

    return project, math.ceil((north - south) * scale)


def _region_path(rings: list[list[Point]], project: Callable[[Point], Point]) -> str:
    """Path data of one province: simplified rings and islet squares."""
    parts: list[str] = []
    islets: set[tuple[int, int]] = set()
    for ring in rings:
        pts = _simplify([project(p) for p in ring], TOLERANCE)
        rounded: list[tuple[int, int]] = []
        for x, y in pts:
            q = (round(x), round(y))
            if not rounded or rounded[-1] != q:
                rounded.append(q)
        if len(rounded) > 1 and rounded[0] == rounded[-1]:
            rounded.pop()
        if len(set(rounded)) >= 3:
            parts.append(_ring_path(rounded))
        else:
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            cx, cy = project((sum(xs) / len(xs), sum(ys) / len(ys)))
            key = (round(cx / ISLET), round(cy / ISLET))
            if key not in islets:  # one square per spot, however many islets share it
                islets.add(key)
                parts.append(_islet(cx, cy))
    return "".join(parts)


def _province_name(props: dict[str, Any], era: Era, gaz: Gazetteer) -> tuple[str, str] | None:
    """(name, code) of the gazetteer unit a feature draws, by code then by name."""
    code, name = str(props.get("code") or ""), str(props.get("name") or "")
    try:
        unit = gaz.get(code, era)
    except KeyError:
        unit = None
    if unit is None or (name and unit.name != name):
        try:
            unit = gaz.resolve(name, era)
        except UnknownProvince:
            return None
    return unit.name, unit.code


@functools.lru_cache(maxsize=8)
def _load(path: str, era: Era, _mtime_ns: int) -> MapGeometry:
    """Read and simplify one GeoJSON file (cached by path, era and mtime)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MapError(f"cannot read map {path}: {err}") from err
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise MapError(f"{path} is not a GeoJSON FeatureCollection")
    gaz = Gazetteer.load()
    shapes: list[tuple[str, str, list[list[Point]]]] = []
    for feature in features:
        if not isinstance(feature, dict):
            continue
        named = _province_name(feature.get("properties") or {}, era, gaz)
        rings = _rings(feature.get("geometry") or {})
        if named and rings:
            shapes.append((*named, rings))
    if not shapes:
        raise MapError(f"{path} has no polygon naming a province of the {era} era")
    lons = [p[0] for _, _, rings in shapes for ring in rings for p in ring]
    lats = [p[1] for _, _, rings in shapes for ring in rings for p in ring]
    project, height = _project((min(lons), min(lats), max(lons), max(lats)))
    regions = tuple(
        Region(name, code, _region_path(rings, project)) for name, code, rings in shapes
    )
    return MapGeometry(era=era, width=WIDTH, height=height, regions=regions)


def load_map(path: str | os.PathLike[str], era: Era) -> MapGeometry:
    """The simplified map of a GeoJSON file; cached per file, re-read only if the file changes."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as err:
        raise MapError(f"cannot read map {p}: {err.strerror}") from err
    return _load(str(p.resolve()), era, mtime)


def colour_classes(counts: dict[str, int]) -> dict[str, int]:
    """Colour class (0 = none, 1..BUCKETS) per province, on a log scale of the largest count."""
    top = max(counts.values(), default=0)
    out: dict[str, int] = {}
    for name, count in counts.items():
        if count <= 0 or top <= 0:
            out[name] = 0
        elif top == 1:
            out[name] = BUCKETS
        else:
            # log scale: one province with most of the news would otherwise leave the rest pale.
            share = math.log(count) / math.log(top)
            out[name] = 1 + min(BUCKETS - 1, int(share * BUCKETS))
    return out
