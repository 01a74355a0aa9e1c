"""`python -m conformance ...` is `oauth-conformance ...`."""

import sys

from .cli import main

sys.exit(main())
