"""Tick and cursor labels: one scale and one number of decimals per axis, signs for changes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from defbudget.plot import IndexFormatter, MoneyFormatter, PercentFormatter
from defbudget.plot._format import formatter_for, set_value_axis


def test_signed_money_ticks_for_changes():
    assert MoneyFormatter("USD", signed=True).format_ticks([-5e9, 0, 5e9]) == [
        "-$5B", "$0", "+$5B"]


def test_cursor_readout_has_more_precision_than_a_tick():
    money = MoneyFormatter("USD")
    assert money(57.72e9, None) == "$57.7B"  # the readout: three significant digits
    assert money(57.72e9, 1) == "$58B"  # one tick alone: no decimals needed
    assert PercentFormatter()(0.0213, None) == "2.13%"
    assert IndexFormatter()(123.456, None) == "123.5"
    assert IndexFormatter()(123.0, 2) == "123"


def test_small_percent_changes_keep_their_sign_and_zero_has_none():
    assert PercentFormatter(signed=True).format_ticks([-0.0001, 0, 0.0001]) == [
        "-0.01%", "0.00%", "+0.01%"]


def test_missing_values_and_sub_unit_amounts():
    assert MoneyFormatter("JPY").format_ticks([float("nan"), 1e12]) == ["–", "¥1T"]
    assert MoneyFormatter("KRW").format_ticks([0.5, 0.25]) == ["₩0.50", "₩0.25"]


@pytest.mark.parametrize(("unit", "kind"), [
    ("ratio", PercentFormatter), ("index", IndexFormatter), ("count", IndexFormatter),
    ("USD/person", MoneyFormatter), ("JPY", MoneyFormatter)])
def test_formatter_for_each_unit(unit, kind):
    assert type(formatter_for(unit)) is kind


def test_set_value_axis_installs_a_signed_formatter():
    fig, ax = plt.subplots()
    set_value_axis(ax.yaxis, "ratio", signed=True)
    fmt = ax.yaxis.get_major_formatter()
    assert isinstance(fmt, PercentFormatter) and fmt.signed
    assert formatter_for("USD/person").unit == "USD"
    plt.close(fig)
