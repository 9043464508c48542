from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators, never by self sign-up."""

    def is_open_for_signup(self, request: Any) -> bool:
        return False
