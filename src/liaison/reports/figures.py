"""A fiscal year's headline figures; each domain adds its own keys here."""

from __future__ import annotations

from typing import Any

from liaison.agreements.report import agreement_figures
from liaison.capacity.report import capacity_figures
from liaison.core.fiscal import FiscalYear
from liaison.partners.models import Agency
from liaison.people.models import Person
from liaison.postings.report import posting_figures
from liaison.training.report import training_figures
from liaison.visits.report import visit_figures


def fiscal_year_figures(fy: FiscalYear) -> dict[str, Any]:
    """Registry sizes at the fiscal year's end (people merged away are not counted twice), then
    the year's training, visits, SAFE programs, postings and agreements."""
    return {
        "fiscal_year": fy.year,
        "people": Person.objects.active().filter(created_at__lte=fy.end_datetime).count(),
        "agencies": Agency.objects.filter(created_at__lte=fy.end_datetime).count(),
        **training_figures(fy),
        **visit_figures(fy),
        **posting_figures(fy),
        **capacity_figures(fy),
        **agreement_figures(fy),
    }
