"""`python -m workstation` is the `workstation` command."""

from workstation.cli import main

raise SystemExit(main())
