import datetime as dt

from django.template import Context, Template

from panel.audit.templatetags.audit_tags import (
    outcome_badge,
    pretty_json,
    utc_time,
    visible_controls,
)


def test_visible_controls_escapes_then_draws_controls():
    html = visible_controls("a\nb\x1b[0m\t<b>\x00\x7f\x9b\u202e")

    assert html.startswith("a<span")
    assert "\u2424" in html  # ␤
    assert "\u241b</span>[0m" in html  # ␛
    assert "\u2409" in html  # ␉
    assert "\u2400" in html and "\u2421" in html
    assert "U+009B" in html and "U+202E" in html
    assert "&lt;b&gt;" in html
    for raw in ("\n", "\x1b", "\t", "\x00", "\x7f", "\x9b", "\u202e", "<b>"):
        assert raw not in html


def test_visible_controls_in_a_template_is_not_double_escaped():
    rendered = Template("{% load audit_tags %}{{ v|visible_controls }}").render(
        Context({"v": "a & b\n"})
    )

    assert rendered.startswith("a &amp; b<span")


def test_time_badges_and_json():
    moment = dt.datetime(2026, 11, 27, 15, 3, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert utc_time(moment) == "2026-11-27 14:03:12 UTC"
    assert [outcome_badge(o) for o in ("succeeded", "failed", "started", "compensated")] == [
        "badge-on",
        "badge-deleted",
        "badge-pending",
        "badge-off",
    ]
    assert pretty_json({"n": "a\u202eb", "z": "é"}) == '{\n  "n": "a\\u202eb",\n  "z": "é"\n}'
