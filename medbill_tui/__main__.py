from medbill_tui.cli import main

raise SystemExit(main())
