"""The form that asks for an annual report: the fiscal year and the filters that narrow it."""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.catalog.models import FundingSource, ProgramArea
from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Country, Region
from liaison.reports.services import fiscal_years_reported

ALL = [("", "All")]


class AnnualReportForm(UswdsFormMixin, forms.Form):
    fiscal_year = forms.TypedChoiceField(label="Fiscal year", coerce=int)
    region = forms.ChoiceField(label="Bureau", required=False)
    country = forms.ChoiceField(label="Country", required=False)
    program_area = forms.ChoiceField(label="Program area", required=False)
    funding_source = forms.ChoiceField(label="Funding source", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = fiscal_years_reported()
        self._choices("fiscal_year", [(y, f"FY{y}") for y in years])
        self.fields["fiscal_year"].initial = years[1] if len(years) > 1 else years[0]
        self._choices(
            "region", ALL + [(r.code, f"{r.code} — {r.name}") for r in Region.objects.all()]
        )
        self._choices(
            "country", ALL + [(str(c.code), c.name) for c in Country.objects.order_by("name")]
        )
        self._choices(
            "program_area", ALL + [(a.code, a.name) for a in ProgramArea.objects.order_by("name")]
        )
        self._choices(
            "funding_source", ALL + [(f.code, str(f)) for f in FundingSource.objects.all()]
        )

    def _choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> dict[str, str]:
        """The filters chosen (blank ones left out), as ``ReportFilters`` names them."""
        return {
            name: self.cleaned_data[name]
            for name in ("region", "country", "program_area", "funding_source")
            if self.cleaned_data.get(name)
        }
