import rules

from liaison.accounts.roles import is_administrator

rules.add_perm("audit.search", is_administrator)
