from letterlint.frontends.cli import main

raise SystemExit(main())
