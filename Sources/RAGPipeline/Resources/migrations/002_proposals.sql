-- Finished proposals, one row per job id (a job finished again replaces its row).
create table if not exists proposals (
    job_id text primary key,
    trace_id text not null,
    title text not null,
    generated_by text not null,
    fit_score integer not null check (fit_score between 0 and 100),
    proposal jsonb not null,
    analysis jsonb not null,
    "references" jsonb not null default '[]'::jsonb,
    providers jsonb not null default '{}'::jsonb,
    degraded jsonb not null default '[]'::jsonb,
    created_at timestamptz not null default now()
);

create index if not exists proposals_created_at on proposals (created_at desc);
