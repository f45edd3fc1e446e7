-- fanmail schema, owned by Flyway. Hibernate never generates DDL.
-- Every constraint is named so that an error message points at a rule, and every state is a
-- text column checked against its named values (see ARCHITECTURE.md, "States").

create table mailing_list (
    id                   bigint generated always as identity,
    address              text        not null,
    local_part           text        not null,
    domain               text        not null,
    name                 text        not null,
    description          text        not null default '',
    posting_policy       text        not null default 'MEMBERS',
    non_member_action    text        not null default 'HOLD',
    subject_prefix       text,
    reply_to             text        not null default 'POSTER',
    max_message_size     bigint,
    personalize          boolean     not null default false,
    owners               text[]      not null default '{}',
    subscription_policy  text        not null default 'CONFIRM',
    unsubscription_policy text       not null default 'OPEN',
    dmarc_mitigation     text        not null default 'NONE',
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint mailing_list_pk primary key (id),
    constraint mailing_list_address_uk unique (address),
    constraint mailing_list_address_lower_ck check (address = lower(address)),
    constraint mailing_list_posting_policy_ck
        check (posting_policy in ('OPEN', 'MEMBERS', 'MODERATED', 'ANNOUNCE')),
    constraint mailing_list_non_member_action_ck check (non_member_action in ('HOLD', 'REJECT')),
    constraint mailing_list_reply_to_ck check (reply_to in ('LIST', 'POSTER')),
    constraint mailing_list_subscription_policy_ck
        check (subscription_policy in ('OPEN', 'CONFIRM', 'MODERATE', 'CONFIRM_THEN_MODERATE')),
    constraint mailing_list_unsubscription_policy_ck
        check (unsubscription_policy in ('OPEN', 'CONFIRM', 'MODERATE', 'CONFIRM_THEN_MODERATE')),
    constraint mailing_list_dmarc_ck check (dmarc_mitigation in ('NONE', 'MUNGE_FROM', 'WRAP')),
    constraint mailing_list_max_size_ck check (max_message_size is null or max_message_size > 0)
);

create table member (
    id             bigint generated always as identity,
    list_id        bigint      not null,
    email          text        not null,
    -- The key that makes an address unique on a list: RFC 5321 local parts are case-sensitive in
    -- theory, but no list server treats Joe@ and joe@ as two people.
    email_key      text        generated always as (lower(email)) stored,
    domain         text        not null,
    name           text        not null default '',
    delivery_mode  text        not null default 'REGULAR',
    role           text        not null default 'MEMBER',
    status         text        not null default 'ACTIVE',
    bounce_score   integer     not null default 0,
    last_bounce_at timestamptz,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint member_pk primary key (id),
    constraint member_list_fk foreign key (list_id) references mailing_list (id) on delete cascade,
    constraint member_list_email_uk unique (list_id, email_key),
    constraint member_domain_lower_ck check (domain = lower(domain)),
    constraint member_delivery_mode_ck check (delivery_mode in ('REGULAR', 'DIGEST', 'NOMAIL')),
    constraint member_role_ck check (role in ('MEMBER', 'MODERATOR', 'OWNER')),
    constraint member_status_ck
        check (status in ('ACTIVE', 'PENDING', 'DISABLED_BY_BOUNCE', 'DISABLED_BY_OWNER')),
    constraint member_bounce_score_ck check (bounce_score >= 0)
);
-- Keyset paging of a list's members in id order (REST paging and fan-out expansion).
create index member_list_id_ix on member (list_id, id);

-- One message received over SMTP for one list. The raw bytes are kept exactly as received
-- (with our Received header prepended); decoration happens on the way out.
create table post (
    id             bigint generated always as identity,
    list_id        bigint,
    list_address   text        not null,
    purpose        text        not null default 'POST',
    purpose_arg    text,
    state          text        not null,
    envelope_from  text        not null,
    message_id     text,
    from_header    text,
    subject        text,
    raw            bytea       not null,
    size           integer     not null,
    rule_hits      text[]      not null default '{}',
    reason         text,
    client_address text,
    helo           text,
    received_at    timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    expanded_at    timestamptz,
    done_at        timestamptz,
    constraint post_pk primary key (id),
    constraint post_list_fk foreign key (list_id) references mailing_list (id) on delete set null,
    constraint post_purpose_ck
        check (purpose in ('POST', 'REQUEST', 'JOIN', 'LEAVE', 'OWNER', 'BOUNCES', 'CONFIRM', 'SYSTEM')),
    constraint post_state_ck
        check (state in ('RECEIVED', 'HELD', 'ACCEPTED', 'REJECTED', 'DISCARDED', 'DELIVERING',
                         'DONE', 'PARKED')),
    constraint post_size_ck check (size >= 0)
);
create index post_list_ix on post (list_id, id);
-- The fan-out stage scans for accepted posts that are not expanded yet.
create index post_state_ix on post (state) where state in ('ACCEPTED', 'RECEIVED');

-- One SMTP transaction to be: a post, a destination (group key), up to
-- max-recipients-per-transaction recipients.
create table delivery (
    id              bigint generated always as identity,
    post_id         bigint      not null,
    destination     text        not null,
    hosts           text[]      not null default '{}',
    state           text        not null default 'PENDING',
    next_attempt_at timestamptz not null default now(),
    attempts        integer     not null default 0,
    lease_owner     text,
    lease_until     timestamptz,
    last_reply      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint delivery_pk primary key (id),
    constraint delivery_post_fk foreign key (post_id) references post (id) on delete cascade,
    constraint delivery_state_ck check (state in ('PENDING', 'DONE', 'PARKED'))
);
create index delivery_due_ix on delivery (next_attempt_at) where state = 'PENDING';
create index delivery_post_ix on delivery (post_id);

-- One recipient of one post: its outcome and the reply that decided it.
create table recipient (
    id          bigint generated always as identity,
    post_id     bigint      not null,
    delivery_id bigint,
    member_id   bigint,
    email       text        not null,
    domain      text        not null,
    state       text        not null default 'PENDING',
    attempts    integer     not null default 0,
    last_reply  text,
    updated_at  timestamptz not null default now(),
    constraint recipient_pk primary key (id),
    constraint recipient_post_fk foreign key (post_id) references post (id) on delete cascade,
    constraint recipient_delivery_fk foreign key (delivery_id) references delivery (id)
        on delete cascade,
    constraint recipient_state_ck check (state in ('PENDING', 'DEFERRED', 'DELIVERED', 'FAILED')),
    constraint recipient_post_email_uk unique (post_id, email)
);
create index recipient_delivery_ix on recipient (delivery_id);
