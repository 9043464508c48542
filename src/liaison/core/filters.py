"""The filters of a list, declared once and read the same way by its page (``request.GET``)
and its API (a django-ninja ``Query`` schema): the same names, trimming, upper-casing and
allowed values, so a page and its API list can never disagree about what a filter means.

A page drops a value it cannot read (a hand-edited address still shows the list) and says
which; the API answers 422 with the field, as for any other invalid input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Self

from django.contrib import messages
from django.http import HttpRequest
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, PrivateAttr, ValidationError

SEARCH_MAX_LENGTH = 200


def choice_of(choices: Iterable[Any]) -> AfterValidator:
    """A validator that allows ``""`` (no filter) or one of ``choices`` (a TextChoices class
    or plain values)."""
    allowed = {str(getattr(choice, "value", choice)) for choice in choices}

    def check(value: str) -> str:
        if value and value not in allowed:
            raise ValueError(f"choose one of: {', '.join(sorted(allowed))}")
        return value

    return AfterValidator(check)


def _upper(value: str) -> str:
    return value.upper()


Search = Annotated[str, Field(max_length=SEARCH_MAX_LENGTH)]
Code = Annotated[str, AfterValidator(_upper), Field(max_length=20)]  # country, region codes


class ListFilters(Schema):
    """A list's filters: subclass it with one field per filter, named as the selector's
    keyword; ``search`` is read from ``q`` on pages and in the API alike."""

    model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True, extra="ignore")

    search: Search = Field("", alias="q")

    _ignored: list[str] = PrivateAttr(default_factory=list)

    @classmethod
    def from_request(cls, request: HttpRequest) -> Self:
        """The filters of a page's query string; a value that cannot be read is dropped (the
        list shows unfiltered on that field) and named in ``ignored``."""
        data = {key: request.GET.get(key, "") for key in request.GET}
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            bad = sorted({str(problem["loc"][0]) for problem in error.errors()})
        filters = cls.model_validate({k: v for k, v in data.items() if k not in bad})
        filters._ignored = bad
        unread = ", ".join(bad)
        warning = f"Showing the list without the filter that could not be read: {unread}."
        messages.warning(request, warning, fail_silently=True)
        return filters

    @property
    def ignored(self) -> list[str]:
        """The query keys whose values were dropped, for the page to say so."""
        return list(self._ignored)

    def selector_kwargs(self) -> dict[str, Any]:
        """The keywords the list's selector takes (field names, not query names)."""
        return self.model_dump(by_alias=False)

    def page_context(self) -> dict[str, Any]:
        """What a list page's filter form shows: each value under its name, the search as ``q``."""
        return {**self.selector_kwargs(), "q": self.search}
