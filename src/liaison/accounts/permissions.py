import rules

from liaison.accounts.roles import is_administrator

rules.add_perm("accounts.manage_users", is_administrator)
