"""Run every test and doctest against an empty, temporary defbudget data folder.

A developer's own downloads (``defbudget get sipri|rates``) must not change what the tests
see, and no test may write into the real data folder.
"""

import os
import tempfile

os.environ["DEFBUDGET_DATA_DIR"] = tempfile.mkdtemp(prefix="defbudget-test-data-")
