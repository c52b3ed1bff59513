"""House styles for defbudget charts, as matplotlib ``.mplstyle`` files.

Use one by its dotted name (matplotlib looks styles up inside importable packages)::

    import matplotlib.pyplot as plt
    plt.style.use("defbudget.styles.paper")    # 6.5 x 4 in, 9 pt, for a journal column
    plt.style.use("defbudget.styles.slides")   # 16:9, large type, for a briefing

or temporarily with :func:`defbudget.plot.house_style`. Importing this package reads no file
and changes no rcParams; it exists so that the style files ship inside the wheel.
"""

from __future__ import annotations

#: Names of the shipped styles (``defbudget.styles.<name>``).
STYLES = ("paper", "slides")

__all__ = ["STYLES"]
