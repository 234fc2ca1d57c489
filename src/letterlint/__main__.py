from letterlint.frontends.cli import run

raise SystemExit(run())
