"""Each person's role is read in one query per page and answers as Django's has_perm does."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from panel.access.roles import CHANGE, SEE_EVERYTHING, may_change, role_name, sees_everything
from tests.access.conftest import person


def _fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def test_the_roles_agree_with_djangos_permissions(transactional_db: Any) -> None:
    people = [
        person("olga", None),
        person("aude", None, role="auditor"),
        get_user_model().objects.create_superuser("sue", password="pw-sue-93kd"),
    ]
    gone = person("gone", None)
    gone.is_active = False
    gone.save()
    # Held directly rather than through a role, and nothing at all.
    dana = person("dana", None)
    dana.groups.clear()
    dana.user_permissions.add(Permission.objects.get(codename="see_everything"))
    nora = person("nora", None)
    nora.groups.clear()
    for user in [*people, gone, dana, nora]:
        expected = (_fresh(user).has_perm(CHANGE), _fresh(user).has_perm(SEE_EVERYTHING))
        assert (may_change(_fresh(user)), sees_everything(_fresh(user))) == expected
    assert [role_name(_fresh(u)) for u in people] == ["operator", "auditor", "superuser"]
    assert (role_name(_fresh(dana)), role_name(_fresh(nora))) == ("auditor", "no role")


def test_a_page_reads_a_persons_role_once(
    transactional_db: Any, django_assert_num_queries: Any
) -> None:
    olga = _fresh(person("olga", None))
    with django_assert_num_queries(1):
        assert may_change(olga) and not sees_everything(olga)
        assert role_name(olga) == "operator"
