-- Documents of past work for retrieval, with their embeddings (pgvector).
-- Compatible with the common Supabase "documents + match_documents" layout: an existing
-- table of that shape gains the content_hash column and keeps its rows.
create extension if not exists vector;

create table if not exists documents (
    id bigserial primary key,
    content text not null,
    metadata jsonb not null default '{}'::jsonb,
    embedding vector(1536),
    content_hash text,
    created_at timestamptz not null default now()
);

alter table documents add column if not exists content_hash text;
alter table documents add column if not exists created_at timestamptz not null default now();

-- Idempotent ingest: one row per chunk, embedding model and content.
create unique index if not exists documents_content_hash_key on documents (content_hash);

-- Approximate nearest neighbours by cosine distance.
create index if not exists documents_embedding_hnsw on documents using hnsw (embedding vector_cosine_ops);

create index if not exists documents_source on documents ((metadata->>'source'));

-- Nearest documents to query_embedding whose metadata contains filter, nearest first.
-- Called by the worker through PostgREST: POST /rest/v1/rpc/match_documents.
create or replace function match_documents(
    query_embedding vector(1536),
    match_count int default null,
    filter jsonb default '{}'::jsonb
) returns table (id bigint, content text, metadata jsonb, similarity float)
language plpgsql stable
as $$
begin
    return query
    select d.id, d.content, d.metadata, 1 - (d.embedding <=> query_embedding) as similarity
    from documents d
    where d.metadata @> filter and d.embedding is not null
    order by d.embedding <=> query_embedding
    limit match_count;
end;
$$;
