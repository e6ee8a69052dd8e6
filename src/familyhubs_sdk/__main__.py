"""``python -m familyhubs_sdk``: the same as the ``familyhubs`` console script."""

from familyhubs_sdk.cli import main

raise SystemExit(main())
