"""CDK app of RAG Worker: one stack class, one stack per environment (see infra/settings.json)."""
