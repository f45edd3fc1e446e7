-- Accounts that log in to the web admin and own API tokens (issue 22). The bootstrap
-- fanmail.admin.token is no row: it stays configuration. Emails are kept in their
-- case-insensitive key form so that one person has one account.

create table account (
    id            bigint generated always as identity,
    email         text        not null,
    name          text        not null default '',
    role          text        not null,
    -- bcrypt in modular crypt form ($2a$...); null: the account logs in with tokens only.
    password_hash text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint account_pk primary key (id),
    constraint account_email_uk unique (email),
    constraint account_email_lower_ck check (email = lower(email)),
    constraint account_role_ck check (role in ('ADMIN', 'LIST_OWNER', 'MODERATOR')),
    constraint account_name_len_ck check (char_length(name) <= 200)
);

-- The lists a LIST_OWNER or MODERATOR holds. A deleted list leaves no grant behind, so a
-- later list under the same address is not handed to the old owner.
create table account_list (
    account_id bigint not null,
    list_id    bigint not null,
    constraint account_list_pk primary key (account_id, list_id),
    constraint account_list_account_fk foreign key (account_id)
        references account (id) on delete cascade,
    constraint account_list_list_fk foreign key (list_id)
        references mailing_list (id) on delete cascade
);
create index account_list_list_ix on account_list (list_id);

-- API tokens: only the SHA-256 of the token is kept (the token is 256 random bits, so a
-- plain digest is enough; it is shown once, at creation). Revocation deletes the row.
create table api_token (
    id           bigint generated always as identity,
    account_id   bigint      not null,
    name         text        not null,
    token_hash   bytea       not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    last_used_at timestamptz,
    constraint api_token_pk primary key (id),
    constraint api_token_account_fk foreign key (account_id)
        references account (id) on delete cascade,
    constraint api_token_hash_uk unique (token_hash),
    constraint api_token_name_uk unique (account_id, name),
    constraint api_token_hash_len_ck check (octet_length(token_hash) = 32),
    constraint api_token_name_len_ck check (char_length(name) between 1 and 100)
);
