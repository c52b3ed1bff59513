"""The kit's version, in a module of its own.

Modules of the kit read it from here (``from defbudget._version import __version__``), never
from the top package: ``import defbudget`` registers the ``df.budget`` accessor, so an import
from the top package would put the importing module in an import cycle with the accessor and
every comparison it delegates to.
"""

__version__ = "0.1.0"
