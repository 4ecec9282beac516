from panel.core.templatetags.panel_format import gib, mib


def test_mib_picks_a_readable_unit():
    assert mib(512) == "512 MiB"
    assert mib(2048) == "2 GiB"
    assert mib(25600) == "25 GiB"
    assert mib(35840 + 512) == "35.5 GiB"
    assert mib(2097152) == "2 TiB"
    assert mib(None) == "—"


def test_gib_for_memory_columns():
    assert gib(1024) == "1 GiB"
    assert gib(1536) == "1.5 GiB"
    assert gib(None) == "—"
