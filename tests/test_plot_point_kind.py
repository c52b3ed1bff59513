"""plot's point kinds (final / provisional / uncertain) from stage and flag, whatever the
columns' dtype, missing cells counting as final."""

from __future__ import annotations

import pandas as pd
import pytest

from defbudget.plot._common import point_kind


@pytest.mark.parametrize("dtype", ["object", "string", "category"])
def test_point_kind_reads_stage_and_flag(dtype):
    frame = pd.DataFrame({
        "stage": ["enacted", "draft", None, "actual", "draft", None],
        "flag": [None, None, "estimate", "highly_uncertain", "highly_uncertain", "other"],
        "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    }, index=[10, 11, 12, 13, 14, 15]).astype({"stage": dtype, "flag": dtype})
    kinds = point_kind(frame)
    assert kinds.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert kinds.tolist() == ["final", "provisional", "provisional", "uncertain",
                              "uncertain", "final"]
    # a chart of estimates only draws them plainly; stages still count
    assert point_kind(frame, plain_estimates=True).tolist() == [
        "final", "provisional", "final", "final", "provisional", "final"]


def test_point_kind_without_the_columns_is_final():
    assert point_kind(pd.DataFrame({"value": [1.0, 2.0]})).tolist() == ["final", "final"]
