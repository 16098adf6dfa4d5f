-- The delivery SLO's "counted" mark: each job is counted once in SLODeliveryGood/SLODeliveryTotal,
-- by whichever instance judges it first (its runner, its deliverer or a sweep); the mark is set in
-- the transaction that judges the job, only where none is set. Jobs finished before this migration
-- are marked as not tracked, so the first sweep does not count history.
alter table rag_jobs add column if not exists slo_counted_at timestamptz;
alter table rag_jobs add column if not exists slo_verdict text;
alter table rag_jobs add column if not exists slo_cause text;
update rag_jobs set slo_counted_at = accepted_at, slo_verdict = 'untracked'
    where slo_counted_at is null and state in ('succeeded', 'failed');
-- The sweep finds uncounted jobs by age without scanning the table.
create index if not exists rag_jobs_slo_uncounted on rag_jobs (accepted_at) where slo_counted_at is null;
