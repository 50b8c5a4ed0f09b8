"""``python -m govrule`` works like the ``govrule`` script."""

from .cli import main

raise SystemExit(main())
