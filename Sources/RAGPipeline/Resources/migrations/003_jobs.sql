-- The worker's shared job store (DATABASE_URL): jobs, their stage timings and results, and the
-- webhook outbox with dead letters. Several instances share the work: a runner claims a job
-- with a lease (FOR UPDATE SKIP LOCKED) and renews it while it runs; a job whose lease expired
-- (its instance died) is claimed again by another. One outbox row per job id.
create table if not exists rag_jobs (
    id text primary key,
    state text not null check (state in ('queued', 'running', 'succeeded', 'failed')),
    request bytea not null,
    trace_id text not null,
    traceparent text not null,
    validation_ms double precision not null default 0,
    accepted_at timestamptz not null,
    started_at timestamptz,
    finished_at timestamptz,
    attempts integer not null default 0,
    lease_owner text,
    lease_expires_at timestamptz,
    stage_timings jsonb not null default '[]'::jsonb,
    result jsonb,
    failure jsonb
);

-- Claims scan only unfinished jobs, oldest first.
create index if not exists rag_jobs_backlog on rag_jobs (accepted_at, id) where state in ('queued', 'running');

create table if not exists rag_outbox (
    job_id text primary key references rag_jobs (id),
    trace_id text not null,
    payload bytea not null,
    state text not null check (state in ('pending', 'delivered', 'dead')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    lease_owner text,
    lease_expires_at timestamptz,
    last_status integer,
    last_error text,
    created_at timestamptz not null,
    delivered_at timestamptz
);

create index if not exists rag_outbox_due on rag_outbox (next_attempt_at) where state = 'pending';
create index if not exists rag_outbox_dead on rag_outbox (created_at) where state = 'dead';
