-- Bounce processing and moderation notices.

-- Every bounce fanmail learned about a member: a DSN or plain-text bounce to list-bounces@ (or a
-- VERP address), or a 5xx/4xx said during delivery. Kept for the REST API (a member's recent
-- bounces) and for the burst guard, which counts the disables per list and recipient domain.
create table bounce_event (
    id          bigint generated always as identity,
    list_id     bigint      not null,
    member_id   bigint      not null,
    email       text        not null,
    domain      text        not null,
    -- DSN: a machine-readable report; TEXT: a plain-text bounce; SMTP: a reply during delivery.
    source      text        not null,
    post_id     bigint,
    action      text,
    status      text,
    diagnostic  text,
    -- SCORED: the score rose; NOT_SCORED: permanent, but the score already rose within a day;
    -- TEMPORARY: a delay or 4.x.x, recorded only; DISABLED: this bounce disabled the member;
    -- DISABLE_WAITING: the threshold was reached but the burst guard held the disable back.
    outcome     text        not null,
    score_after integer     not null,
    created_at  timestamptz not null default now(),
    constraint bounce_event_pk primary key (id),
    constraint bounce_event_list_fk foreign key (list_id) references mailing_list (id)
        on delete cascade,
    constraint bounce_event_member_fk foreign key (member_id) references member (id)
        on delete cascade,
    constraint bounce_event_source_ck check (source in ('DSN', 'TEXT', 'SMTP')),
    constraint bounce_event_outcome_ck
        check (outcome in ('SCORED', 'NOT_SCORED', 'TEMPORARY', 'DISABLED', 'DISABLE_WAITING')),
    constraint bounce_event_diagnostic_len_ck check (length(diagnostic) <= 1000)
);
-- A member's recent bounces, newest first (REST).
create index bounce_event_member_ix on bounce_event (member_id, created_at desc);
-- The burst guard: disables of one list and domain within the last day.
create index bounce_event_disabled_ix on bounce_event (list_id, domain, created_at)
    where outcome = 'DISABLED';
-- Retention purge by age.
create index bounce_event_created_ix on bounce_event (created_at);

-- The burst guard told a list's owners that a destination looks like it blocks the list: at most
-- once per list, domain and day.
create table bounce_burst (
    list_id     bigint      not null,
    domain      text        not null,
    day         date        not null,
    notified_at timestamptz not null default now(),
    constraint bounce_burst_pk primary key (list_id, domain, day),
    constraint bounce_burst_list_fk foreign key (list_id) references mailing_list (id)
        on delete cascade
);

-- When the moderators were told about a held post: set in the transaction that queues the notice,
-- so a crash neither loses the notice nor sends it twice.
alter table post add column notified_at timestamptz;
-- The notice scan: held posts nobody was told about yet.
create index post_held_unnotified_ix on post (id) where state = 'HELD' and notified_at is null;
