"""``python -m xiangmu_extract …`` runs the command-line interface."""

from xiangmu_extract.cli import command

raise SystemExit(command())
