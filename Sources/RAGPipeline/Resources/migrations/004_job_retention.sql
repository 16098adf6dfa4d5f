-- Finished jobs are deleted once their webhook delivery is older than the retention period
-- (RAG_JOB_RETENTION_DAYS); this index finds them without scanning the outbox.
create index if not exists rag_outbox_delivered on rag_outbox (delivered_at) where state = 'delivered';
