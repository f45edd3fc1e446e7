-- Subscription requests (join / leave by email, link or REST), per-list message templates, and the
-- per-address daily count of the mail fanmail writes in answer to requests (backscatter cap).

-- One request to subscribe or unsubscribe an address. A subscriber waiting for confirmation or for
-- an owner is only a row here, never a member row: members are exactly the people who completed.
-- state: CONFIRMING (waits for the address to confirm; token_hash set) -> MODERATING (waits for an
-- owner) -> DONE; or REJECTED (owner), EXPIRED (confirmation not given in time), SUPERSEDED (a
-- newer request for the same address and action replaced it).
create table subscription_request (
    id                bigint generated always as identity,
    list_id           bigint      not null,
    email             text        not null,
    email_key         text        generated always as (lower(email)) stored,
    action            text        not null,
    state             text        not null,
    -- SHA-256 of the confirmation token (kept after use, so a second use is told "already used";
    -- the state makes it single-use).
    token_hash        bytea,
    expires_at        timestamptz,
    -- Policy snapshot at request time: an owner must approve after confirmation.
    needs_approval    boolean     not null default false,
    source            text        not null,
    post_id           bigint,
    reason            text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    decided_at        timestamptz,
    constraint subscription_request_pk primary key (id),
    constraint subscription_request_list_fk foreign key (list_id) references mailing_list (id)
        on delete cascade,
    constraint subscription_request_action_ck check (action in ('SUBSCRIBE', 'UNSUBSCRIBE')),
    constraint subscription_request_state_ck
        check (state in ('CONFIRMING', 'MODERATING', 'DONE', 'REJECTED', 'EXPIRED', 'SUPERSEDED')),
    constraint subscription_request_token_ck check (token_hash is null or expires_at is not null),
    constraint subscription_request_source_ck check (length(source) between 1 and 40),
    constraint subscription_request_reason_ck check (reason is null or length(reason) <= 1000)
);
create unique index subscription_request_token_uk on subscription_request (token_hash)
    where token_hash is not null;
-- At most one open request per address, list and action; a new one supersedes the old.
create unique index subscription_request_open_uk on subscription_request (list_id, email_key, action)
    where state in ('CONFIRMING', 'MODERATING');
create index subscription_request_list_ix on subscription_request (list_id, id);
create index subscription_request_expiry_ix on subscription_request (expires_at)
    where state = 'CONFIRMING';

-- A list's own text for one of the messages fanmail writes (welcome, goodbye, confirm...); the
-- defaults live in the application's resources.
create table list_template (
    list_id    bigint      not null,
    name       text        not null,
    body       text        not null,
    updated_at timestamptz not null default now(),
    constraint list_template_pk primary key (list_id, name),
    constraint list_template_list_fk foreign key (list_id) references mailing_list (id)
        on delete cascade,
    constraint list_template_body_ck check (length(body) between 1 and 16000)
);

-- Mail written in answer to requests, per recipient address and day: past the configured cap
-- fanmail stops answering, so forged senders cannot turn it into a backscatter source.
create table request_reply_count (
    address_key text    not null,
    day         date    not null,
    replies     integer not null,
    constraint request_reply_count_pk primary key (address_key, day)
);
