"""The deployment rehearsal's parts: moto with authentication on, Postgres, the provider doubles,
the stand-ins for the tools and services that cannot run here (`cdk`, `docker`, SageMaker's
hosting), and the reader of docs/deployment.md's commands."""
