"""The group-name rule and the VM-table query parsing (no API, no database)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from panel.inventory.forms import GroupNameForm, VmQueryForm
from panel.inventory.table import VmQuery
from panel.inventory.validation import validate_group_name


@pytest.mark.parametrize("name", ["a", "web", "db-2", "0", "a" * 63, "x-y-z"])
def test_valid_group_names(name):
    validate_group_name(name)
    assert GroupNameForm({"name": name}).is_valid()


@pytest.mark.parametrize(
    "name", ["", "A", "-a", "a-", "a_b", "a.b", "a b", "a" * 64, "<script>", "ünï", "web\n"]
)
def test_invalid_group_names(name):
    with pytest.raises(ValidationError):
        validate_group_name(name)
    assert not GroupNameForm({"name": name}).is_valid()


def test_query_defaults():
    assert VmQueryForm({}).to_query() == VmQuery()


def test_query_parsing():
    query = VmQueryForm(
        {"q": "  web ", "power": "off", "sort": "memory", "dir": "desc", "deleted": "1"}
    ).to_query()
    assert query == VmQuery(q="web", power="off", sort="memory", descending=True, show_deleted=True)


def test_bad_query_values_fall_back_to_defaults_field_by_field():
    form = VmQueryForm({"power": "melting", "sort": "nope", "dir": "up", "zone": "york"})
    assert form.to_query() == VmQuery(zone="york")


def test_deleted_power_filter_fetches_deleted_vms():
    assert VmQueryForm({"power": "deleted"}).to_query().show_deleted
