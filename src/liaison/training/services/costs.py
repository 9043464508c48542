"""A delivery's costs: budget and actual lines, final once the delivery is closed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.training.models import CostLine, Delivery, DeliveryStatus


@transaction.atomic
def cost_line_add(
    *,
    actor: Any,
    delivery: Delivery,
    kind: str,
    category: str,
    amount: Decimal,
    description: str = "",
) -> CostLine:
    require_perm(actor, "training.manage_costs", delivery)
    if delivery.status == DeliveryStatus.CLOSED:
        raise ValidationError("A closed delivery's costs are final.")
    line = CostLine(
        delivery=delivery, kind=kind, category=category, amount=amount, description=description
    )
    line.full_clean()
    line.save()
    audit_log(
        actor=actor,
        action="delivery.cost_added",
        obj=delivery,
        changes={f"{kind} {category}": [None, str(amount)]},
    )
    return line


@transaction.atomic
def cost_line_remove(*, actor: Any, line: CostLine) -> None:
    delivery = line.delivery
    require_perm(actor, "training.manage_costs", delivery)
    if delivery.status == DeliveryStatus.CLOSED:
        raise ValidationError("A closed delivery's costs are final.")
    label = f"{line.kind} {line.category}"
    amount = str(line.amount)
    line.delete()
    audit_log(
        actor=actor, action="delivery.cost_removed", obj=delivery, changes={label: [amount, None]}
    )
