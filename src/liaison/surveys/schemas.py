"""Output schemas of the surveys API: surveys, their published questions and their results
(counts, distributions and free text, never who answered)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema


class SurveyOut(Schema):
    id: int
    title: str
    purpose: str
    level: int
    delivery_id: int | None
    visit_id: int | None
    months_after: int | None
    anonymous: bool
    sample_rate: float
    closes_on: date


class OptionOut(Schema):
    value: str
    text: str
    translations: dict[str, str]


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    translations: dict[str, str]
    required: bool
    shown_if_id: int | None
    shown_value: str
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())


class SurveyDetailOut(SurveyOut):
    published_version: int | None
    questions: list[QuestionOut]


class CountOut(Schema):
    answer: str
    count: int


class QuestionResultOut(Schema):
    question_id: int
    version: int
    text: str
    kind: str
    answered: int
    mean: float | None
    distribution: list[CountOut]
    texts: list[str]


class ResultsOut(Schema):
    survey_id: int
    invited: int
    answered: int
    response_rate: float | None
    questions: list[QuestionResultOut]
