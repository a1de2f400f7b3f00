import sys

from .guard import preflight

code = preflight(sys.argv[1:])  # a bad --out is refused before torch loads
if code is not None:
    sys.exit(code)

from .cli import main  # noqa: E402

sys.exit(main())
