"""A chart is a Vega-Lite specification and, beside it, the same figures as a table."""

from __future__ import annotations

import json

import altair as alt
from django.template.loader import render_to_string

from liaison.core.charts import WORLD_TOPOJSON, chart, world_map


def test_a_chart_carries_its_spec_and_renders_its_figures_as_a_table() -> None:
    rows = [("Q1", 3), ("Q2", 5)]
    figure = (
        alt.Chart(alt.Data(values=[{"q": q, "n": n} for q, n in rows]))
        .mark_bar()
        .encode(x="q:N", y="n:Q")
    )
    drawn = chart(
        key="per-quarter",
        caption="Deliveries per quarter",
        figure=figure,
        columns=["Quarter", "Deliveries"],
        rows=rows,
    )

    assert drawn.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert drawn.spec["mark"] == {"type": "bar"}
    html = render_to_string("core/_chart.html", {"chart": drawn})
    assert '<th scope="row">Q2</th><td>5</td>' in html
    spec = json.loads(
        html.split('id="per-quarter-spec" type="application/json">')[1].split("</script>")[0]
    )
    assert spec == drawn.spec


def test_a_world_map_looks_countries_up_by_their_iso_numeric_code() -> None:
    drawn = world_map(
        key="trained",
        caption="Officials trained",
        topojson_url="/static/" + WORLD_TOPOJSON,
        values=[{"id": "222", "name": "El Salvador", "trained": 40}],
        field_name="trained",
        title="Officials trained",
        columns=["Country", "Officials trained"],
        rows=[("El Salvador", 40)],
    )

    text = json.dumps(drawn.spec)
    assert "/static/world-atlas/countries-110m.json" in text
    assert '"id": "222"' in text and '"key": "id"' in text
    assert "El Salvador" in render_to_string("core/_chart.html", {"chart": drawn})
