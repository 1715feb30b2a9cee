from coopgraph.cli import main

raise SystemExit(main())
