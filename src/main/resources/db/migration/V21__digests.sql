-- Issue 18: digests. A digest issue is two posts of purpose DIGEST (its MIME and its RFC 1153
-- form, each shared by the members of that form), written with the issue, its posts and its
-- members in one transaction, then expanded and delivered like any post.

alter table post drop constraint post_purpose_ck;
alter table post add constraint post_purpose_ck
    check (purpose in ('POST', 'REQUEST', 'JOIN', 'LEAVE', 'OWNER', 'BOUNCES', 'CONFIRM', 'SYSTEM',
                       'DIGEST'));
-- The fan-out claim reads ACCEPTED posts of these purposes (post_state_ix covers the state).

-- The list's digest settings (the list document's "digest" object). The schedule is a Quartz cron
-- expression (seconds first), evaluated in UTC; the default sends at midnight.
alter table mailing_list
    add column digest_enabled boolean not null default true,
    add column digest_schedule text not null default '0 0 0 * * ?',
    add column digest_size_threshold_kb integer not null default 30,
    add column digest_max_posts integer,
    add constraint mailing_list_digest_schedule_ck check (length(digest_schedule) between 1 and 200),
    add constraint mailing_list_digest_threshold_ck
        check (digest_size_threshold_kb between 1 and 10240),
    add constraint mailing_list_digest_max_posts_ck
        check (digest_max_posts is null or digest_max_posts between 1 and 500);

-- The mode in effect for the current digest period when it differs from the mode the member chose
-- (null: the chosen one). A change into or out of a digest mode takes effect when the period ends
-- (the next issue is assembled): the posts of the period were expanded without the digest members
-- and go into its digest, so the member set of that digest must be the one expansion used. Changes
-- between REGULAR and NOMAIL take effect at once.
alter table member add column period_mode text;
alter table member add constraint member_period_mode_ck
    check (period_mode in ('REGULAR', 'DIGEST_MIME', 'DIGEST_PLAIN', 'NOMAIL'));

create function member_period_mode() returns trigger language plpgsql as $$
declare
    effective text := coalesce(old.period_mode, old.delivery_mode);
begin
    if new.delivery_mode = effective then
        new.period_mode := null;
    elsif effective in ('DIGEST_MIME', 'DIGEST_PLAIN')
          or new.delivery_mode in ('DIGEST_MIME', 'DIGEST_PLAIN') then
        new.period_mode := effective;
    else
        new.period_mode := null;
    end if;
    return new;
end $$;
create trigger member_period_mode_tg before update of delivery_mode on member
    for each row when (new.delivery_mode is distinct from old.delivery_mode)
    execute function member_period_mode();

-- Per list: the volume and the next issue number, when the last period ended, and the post id at
-- or below which posts are history from before digests. The row is also the lock of the period:
-- the assembler holds it FOR UPDATE, the expansion of a list's posts FOR SHARE, so a post is
-- expanded wholly inside one period.
create table list_digest (
    list_id        bigint      not null,
    volume         integer     not null default 1,
    next_issue     integer     not null default 1,
    volume_year    integer     not null default extract(year from now() at time zone 'UTC'),
    period_started timestamptz not null default now(),
    first_post_id  bigint      not null default 0,
    constraint list_digest_pk primary key (list_id),
    constraint list_digest_list_fk foreign key (list_id) references mailing_list (id)
        on delete cascade,
    constraint list_digest_issue_ck check (volume >= 1 and next_issue >= 1)
);
insert into list_digest (list_id, first_post_id)
    select l.id, coalesce((select max(p.id) from post p), 0) from mailing_list l;

create function mailing_list_digest_row() returns trigger language plpgsql as $$
begin
    insert into list_digest (list_id) values (new.id);
    return new;
end $$;
create trigger mailing_list_digest_row_tg after insert on mailing_list
    for each row execute function mailing_list_digest_row();

-- One issue. Its posts: mime_post_id and plain_post_id (null when the form had no members).
create table digest (
    id            bigint      generated always as identity,
    list_id       bigint      not null,
    volume        integer     not null,
    issue         integer     not null,
    posts         integer     not null,
    size          bigint      not null,
    mime_post_id  bigint,
    plain_post_id bigint,
    created_at    timestamptz not null default now(),
    constraint digest_pk primary key (id),
    constraint digest_list_fk foreign key (list_id) references mailing_list (id) on delete cascade,
    constraint digest_issue_uk unique (list_id, volume, issue),
    constraint digest_mime_post_fk foreign key (mime_post_id) references post (id)
        on delete set null,
    constraint digest_plain_post_fk foreign key (plain_post_id) references post (id)
        on delete set null
);

-- The digest each post went into: a post goes into one digest at most (the primary key). A null
-- digest_id is a post whose period ended without any digest member: nobody needed it in a digest.
create table digest_post (
    post_id   bigint  not null,
    digest_id bigint,
    position  integer not null,
    constraint digest_post_pk primary key (post_id),
    constraint digest_post_post_fk foreign key (post_id) references post (id) on delete cascade,
    constraint digest_post_digest_fk foreign key (digest_id) references digest (id)
        on delete cascade
);
create index digest_post_digest_ix on digest_post (digest_id, position);

-- The members a digest post goes to, fixed when the issue is assembled. No foreign key to
-- member: its check would lock every member row of a big list (FOR KEY SHARE) in the assembly;
-- expansion joins the member table, so the id of a member deleted since matches nobody.
create table digest_member (
    post_id   bigint not null,
    member_id bigint not null,
    constraint digest_member_pk primary key (post_id, member_id),
    constraint digest_member_post_fk foreign key (post_id) references post (id) on delete cascade
);
