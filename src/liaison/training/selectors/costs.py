"""Reads of a delivery's costs: budget against actual, by category."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liaison.training.models import (
    CostCategory,
    CostKind,
    CostLine,
    Delivery,
    DeliveryStatus,
    EnrollmentStatus,
)
from liaison.training.selectors.deliveries import delivery_get


@dataclass(frozen=True)
class CostRow:
    category: str
    label: str
    budget: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus budget: positive is an overrun."""
        return self.actual - self.budget


@dataclass(frozen=True)
class CostSummary:
    rows: list[CostRow]
    budget: Decimal
    actual: Decimal
    participants: int
    lines: list[CostLine]

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget

    @property
    def per_participant(self) -> Decimal | None:
        """Actual cost per participant who attended (or is confirmed, before the end)."""
        if not self.participants:
            return None
        return (self.actual / self.participants).quantize(Decimal("0.01"))


def cost_summary(*, delivery: Delivery) -> CostSummary:
    lines = list(delivery.cost_lines.order_by("category", "kind", "pk"))
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.category, line.kind)] += line.amount
    rows = [
        CostRow(
            category,
            label,
            totals[(category, CostKind.BUDGET)],
            totals[(category, CostKind.ACTUAL)],
        )
        for category, label in CostCategory.choices
    ]
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED):
        counted: tuple[str, ...] = (EnrollmentStatus.ATTENDED,)
    else:
        counted = (EnrollmentStatus.CONFIRMED,)
    participants = delivery.enrollments.filter(status__in=counted).count()
    return CostSummary(
        rows,
        sum((row.budget for row in rows), Decimal("0")),
        sum((row.actual for row in rows), Decimal("0")),
        participants,
        lines,
    )


def cost_line_find(
    *, user: Any, delivery_pk: int, pk: int, perm: str = "training.manage_costs"
) -> CostLine | None:
    """One of the delivery's cost lines, or None when it is gone; the delivery is fetched and
    authorized as :func:`delivery_get` does (404, or 403 without ``perm``)."""
    delivery = delivery_get(user=user, pk=delivery_pk, perm=perm)
    return delivery.cost_lines.filter(pk=pk).first()
