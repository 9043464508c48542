"""A survey's results as charts (core/charts.py): one bar chart per question with a
distribution, each beside its table."""

from __future__ import annotations

import altair as alt

from liaison.core.charts import Chart, chart
from liaison.surveys.selectors import Results


def question_charts(results: Results) -> dict[int, Chart]:
    """Per question id: its distribution as bars (answers in the order offered)."""
    charts: dict[int, Chart] = {}
    for result in results.questions:
        if not result.counts:
            continue
        question = result.question
        labels = [label for label, _ in result.counts]
        values = [{"answer": label, "count": count} for label, count in result.counts]
        figure = (
            alt.Chart(alt.Data(values=values))
            .mark_bar()
            .encode(
                x=alt.X("answer:N", title="Answer", sort=labels),
                y=alt.Y("count:Q", title="Answers"),
                tooltip=["answer:N", "count:Q"],
            )
            .properties(height=200)
        )
        charts[question.pk] = chart(
            key=f"question-{question.pk}",
            caption=f"v{question.version.number} Q{question.position}: {question.text}",
            figure=figure,
            columns=["Answer", "Answers"],
            rows=result.counts,
        )
    return charts
