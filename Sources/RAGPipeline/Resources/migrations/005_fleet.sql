-- The live runners of the fleet sharing this job store: one row per `rag-worker serve` process,
-- renewed by its heartbeat and expiring when the process stops renewing it (killed, or its
-- instance gone). Workers count the live rows to publish the backlog per instance (the scaling
-- signal) and to scale RAG_MAX_BACKLOG with the fleet. A draining process deletes its row.
create table if not exists rag_runners (
    owner text primary key,
    concurrency integer not null check (concurrency > 0),
    started_at timestamptz not null,
    heartbeat_at timestamptz not null,
    expires_at timestamptz not null
);

create index if not exists rag_runners_expiry on rag_runners (expires_at);
