"""``python -m defbudget``: the same as the ``defbudget`` command."""

import sys

from defbudget.cli import main

sys.exit(main())
