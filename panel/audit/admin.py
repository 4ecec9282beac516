"""Read-only admin: superusers can browse entries there too; nobody can add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from panel.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_username", "action", "target_label", "outcome")
    list_filter = ("outcome", "action")
    search_fields = ("target_label", "actor_username", "request_id", "operation_id")
    ordering = ("-seq",)
    show_full_result_count = False  # COUNT(*) over the whole trail on every page is wasteful
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
