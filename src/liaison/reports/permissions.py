"""Who may read the reports.

Training's evaluation (every level, per delivery, course, country or fiscal year) is read by
those who browse training — headquarters, training advisors, attachés — each over the
deliveries training lets them see, so a row never counts a delivery its reader may not open.
"""

from __future__ import annotations

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters

is_advisor = has_role(Role.TRAINING_ADVISOR)

can_view_evaluation = is_headquarters | is_advisor | is_attache

rules.add_perm("reports.view_evaluation", can_view_evaluation)
