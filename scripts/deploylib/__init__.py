"""What scripts/deploy and scripts/rollback do, in small testable pieces (see docs/deployment.md)."""
