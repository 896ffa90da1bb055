"""`python -m canbao`: the domain commands (no Prefect)."""

import sys

from canbao.cli import main

sys.exit(main())
