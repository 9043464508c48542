import rules

from liaison.accounts.roles import is_administrator

rules.add_perm("accounts.manage_users", is_administrator)
# Every signed-in user keeps their own API tokens.
rules.add_perm("accounts.own_tokens", rules.is_authenticated)
# The audit trail is below accounts (every app writes it, accounts too): who may search it is
# a matter of role, so it is said here, where roles are known.
rules.add_perm("audit.search", is_administrator)
