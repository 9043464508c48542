"""Charts and maps: a Vega-Lite specification (built with Altair) that the page draws with
vega-embed, always beside the same figures as a table, so a screen reader and a printout read
what the chart shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt

# world-atlas's TopoJSON, served from node_modules (settings.STATICFILES_DIRS).
WORLD_TOPOJSON = "world-atlas/countries-110m.json"


@dataclass(frozen=True)
class Chart:
    """What `core/_chart.html` renders: a caption, the specification and its table."""

    key: str
    caption: str
    spec: dict[str, Any]
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]] = field(default_factory=tuple)


def chart(
    *,
    key: str,
    caption: str,
    figure: alt.TopLevelMixin,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> Chart:
    """A chart from an Altair figure; ``rows`` are the table the chart draws (same figures)."""
    spec = figure.properties(width="container").to_dict()
    return Chart(key=key, caption=caption, spec=spec, columns=tuple(columns), rows=tuple(rows))


def world_map(
    *,
    key: str,
    caption: str,
    topojson_url: str,
    values: Sequence[dict[str, Any]],
    field_name: str,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> Chart:
    """A choropleth of the world: ``values`` carry ``id`` (ISO 3166-1 numeric, as world-atlas
    keys its countries) and ``field_name``; countries without a value are drawn grey."""
    countries = alt.topo_feature(topojson_url, "countries")
    base = alt.Chart(countries).mark_geoshape(fill="#dfe1e2", stroke="white").project("equalEarth")
    lookup = alt.LookupData(
        alt.InlineData(values=list(values)), key="id", fields=[field_name, "name"]
    )
    shaded = (
        alt.Chart(countries)
        .mark_geoshape(stroke="white")
        .encode(
            color=alt.Color(f"{field_name}:Q", title=title, scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("name:N", title="Country"),
                alt.Tooltip(f"{field_name}:Q", title=title),
            ],
        )
        .transform_lookup(lookup="id", from_=lookup)
        .transform_filter(f"isValid(datum.{field_name})")
        .project("equalEarth")
    )
    figure = alt.layer(base, shaded).properties(height=360)
    return chart(key=key, caption=caption, figure=figure, columns=columns, rows=rows)
