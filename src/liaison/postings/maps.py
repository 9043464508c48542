"""The coverage page's two maps, drawn with ``core.charts.world_map``: where our staff are on
post, and how many cover each country, each beside its table.

world-atlas keys its countries by ISO 3166-1 numeric code as a three-digit string ("032");
django-countries gives it. A country without one (Kosovo) is left off the drawing, never off
the table. The TopoJSON's address is relative to the static files: vega-embed's loader starts
there (``liaison/charts.js``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django_countries import countries

from liaison.core.charts import WORLD_TOPOJSON, Chart, world_map
from liaison.core.formats import date_span
from liaison.postings.selectors import CountryCoverage


def atlas_id(code: str) -> str | None:
    """The world-atlas id of an ISO 3166-1 alpha-2 code: "AR" → "032"."""
    numeric = countries.numeric(code, padded=True)
    return str(numeric) if numeric else None


def posts_map(entries: Sequence[CountryCoverage], day: date) -> Chart:
    """Countries shaded by how many of our staff are on post there on ``day``."""
    with_posts = [e for e in entries if e.posts or e.on_post]
    values = []
    rows = []
    for e in with_posts:
        code = str(e.country.code)
        if (atlas := atlas_id(code)) is not None:
            values.append({"id": atlas, "name": e.country.name, "on_post": len(e.on_post)})
        rows.append(
            (
                e.country.name,
                ", ".join(p.name for p in e.posts) or "—",
                len(e.on_post),
                "; ".join(
                    f"{p.staff} ({p.get_role_display().lower()}, {p.post.city})" for p in e.on_post
                )
                or "—",
            )
        )
    return world_map(
        key="posts-map",
        caption=f"Posts and the staff on post there, {day:%d %B %Y}",
        topojson_url=WORLD_TOPOJSON,  # vega-embed loads it from the static files
        values=values,
        field_name="on_post",
        title="Staff on post",
        columns=["Country", "Posts", "Staff on post", "Who"],
        rows=rows,
    )


def coverage_map_chart(entries: Sequence[CountryCoverage], day: date) -> Chart:
    """Countries shaded by how many postings cover them on ``day`` (primary or secondary)."""
    covered = [e for e in entries if e.covers]
    values = []
    rows = []
    for e in covered:
        code = str(e.country.code)
        if (atlas := atlas_id(code)) is not None:
            values.append({"id": atlas, "name": e.country.name, "covering": len(e.covers)})
        ends = min(c.posting.last_day for c in e.covers)
        rows.append(
            (
                e.country.name,
                len(e.covers),
                "; ".join(f"{c.posting.staff} ({c.posting.post.city})" for c in e.primary) or "—",
                "; ".join(f"{c.posting.staff} ({c.posting.post.city})" for c in e.secondary) or "—",
                date_span(ends, ends),
            )
        )
    return world_map(
        key="coverage-map",
        caption=f"Countries covered by our staff abroad, {day:%d %B %Y}",
        topojson_url=WORLD_TOPOJSON,  # vega-embed loads it from the static files
        values=values,
        field_name="covering",
        title="Postings covering",
        columns=["Country", "Postings covering", "Primary", "Secondary", "First tour ends"],
        rows=rows,
    )
