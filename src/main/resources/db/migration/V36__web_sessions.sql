-- Web admin login (issue 22): server-side sessions, so that any replica serves a logged-in
-- browser, and the attempts that rate-limit logins cluster-wide.

-- The cookie carries a random session id; only its SHA-256 is kept. The CSRF token is
-- derived from the session id (HMAC), so it needs no column.
create table web_session (
    id_hash      bytea       not null,
    account_id   bigint      not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    constraint web_session_pk primary key (id_hash),
    constraint web_session_account_fk foreign key (account_id)
        references account (id) on delete cascade,
    constraint web_session_hash_len_ck check (octet_length(id_hash) = 32)
);
create index web_session_account_ix on web_session (account_id);
create index web_session_expires_ix on web_session (expires_at);

-- Failed login attempts, counted per key (an account's email, or a client network) within
-- a window; old rows are purged by the login itself.
create table login_failure (
    id       bigint generated always as identity,
    key      text        not null,
    at       timestamptz not null default now(),
    constraint login_failure_pk primary key (id)
);
create index login_failure_key_ix on login_failure (key, at);
