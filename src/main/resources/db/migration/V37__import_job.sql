-- Member imports started from the web admin (/admin/): one row per upload, run in the background
-- by the instance that received it and polled by the progress page from any instance. The row, not
-- memory, is the truth: a page served by another replica reads the same counts.
create table import_job (
    id            bigserial primary key,
    list_id       bigint not null references mailing_list (id) on delete cascade,
    actor         text not null,
    file_name     text not null default '',
    state         text not null default 'QUEUED',
    total_bytes   bigint not null default 0,
    bytes_read    bigint not null default 0,
    rows_read     bigint not null default 0,
    rows_added    bigint not null default 0,
    rows_updated  bigint not null default 0,
    rows_skipped  bigint not null default 0,
    rows_failed   bigint not null default 0,
    detail        text not null default '',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    finished_at   timestamptz,
    constraint import_job_state_ck check (state in ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    constraint import_job_detail_ck check (length(detail) <= 20000)
);

-- The progress page of a list shows its latest imports.
create index import_job_list_idx on import_job (list_id, id desc);
-- The sweep that fails jobs whose instance stopped looks only at open ones.
create index import_job_open_idx on import_job (updated_at) where state in ('QUEUED', 'RUNNING');
