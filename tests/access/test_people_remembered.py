"""Inside ``people_remembered`` a batch loads the acting person once, not once per VM."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panel.access.policy import people_remembered, person
from panel.core.actor import Actor
from tests.credentials.helpers import make_user

pytestmark = pytest.mark.django_db


def test_the_person_is_loaded_once_inside_and_afresh_outside():
    user = make_user("rita")
    actor = Actor(user_id=user.pk, username="rita", ip=None, request_id="-")
    with people_remembered(), CaptureQueriesContext(connection) as inside:
        first, second = person(actor), person(actor)
    assert first is second and first.pk == user.pk
    assert len(inside) == 1
    assert person(actor) is not first  # outside, a change to the person is seen at once
