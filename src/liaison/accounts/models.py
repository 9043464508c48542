"""Accounts: a user has one role; an attaché is scoped to a region."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from liaison.accounts.roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.SPONSOR)
    region = models.ForeignKey(
        "partners.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The region an attaché covers; their scope.",
    )
    funding_source = models.ForeignKey(
        "catalog.FundingSource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsors",
        help_text="The funding source a sponsor reads the reports of; their scope.",
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


TOKEN_PREFIX_LENGTH = 8


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored: it is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @staticmethod
    def generate() -> str:
        return "lsn_" + secrets.token_urlsafe(32)
