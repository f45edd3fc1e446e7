-- Issue 22 items 4 and 5 (member pages, archive pages, mbox import) and issue 20 item 5
-- (List-Archive).
--
-- Who may read a list's archive pages: everyone, its members (a member who opened a valid manage
-- link), or nobody but the admin API. PRIVATE by default: no existing archive becomes public by
-- an upgrade. Copies of a PUBLIC or MEMBERS list carry List-Archive.
alter table mailing_list add column archive_access text not null default 'PRIVATE';
alter table mailing_list add constraint mailing_list_archive_access_ck
    check (archive_access in ('PUBLIC', 'MEMBERS', 'PRIVATE'));

-- Whether /lists/{address} shows the list (name, description, subscribe and manage forms). Off by
-- default: a list's existence is not advertised until its owners want it to be.
alter table mailing_list add column advertised boolean not null default false;

-- A message imported into a list's archive from an mbox (POST /api/lists/{address}/archive.mbox):
-- stored DONE with purpose ARCHIVED, so the fan-out (which claims ACCEPTED posts) never delivers
-- it and the digest trigger (purpose POST only) never puts it in a digest.
alter table post drop constraint post_purpose_ck;
alter table post add constraint post_purpose_ck
    check (purpose in ('POST', 'REQUEST', 'JOIN', 'LEAVE', 'OWNER', 'BOUNCES', 'CONFIRM', 'SYSTEM',
                       'DIGEST', 'ARCHIVED'));

-- Duplicates of an import are found by Message-ID within the list (live posts and earlier
-- imports alike); the archive's thread index looks parents up the same way.
create index post_list_message_id_ix on post (list_id, message_id)
    where purpose in ('POST', 'ARCHIVED');

-- The archive's thread index (archive.ThreadIndex): one row per archived post, written when the
-- archive pages first see the post or when an import stores it. A post's thread is the thread of
-- the first message its References / In-Reply-To name that is already indexed, else its own id.
create table archive_entry (
    post_id     bigint      not null,
    list_id     bigint      not null,
    message_id  text,
    thread_id   bigint      not null,
    received_at timestamptz not null,
    constraint archive_entry_pk primary key (post_id),
    constraint archive_entry_post_fk foreign key (post_id) references post (id) on delete cascade
);
create index archive_entry_list_message_ix on archive_entry (list_id, message_id);
create index archive_entry_thread_ix on archive_entry (thread_id, received_at, post_id);

-- One row per thread, for paging threads newest first without grouping the whole archive.
create table archive_thread (
    thread_id   bigint      not null,
    list_id     bigint      not null,
    subject     text,
    posts       integer     not null default 1,
    last_at     timestamptz not null,
    constraint archive_thread_pk primary key (thread_id),
    constraint archive_thread_posts_ck check (posts >= 1),
    constraint archive_thread_post_fk foreign key (thread_id) references post (id) on delete cascade
);
create index archive_thread_list_last_ix on archive_thread (list_id, last_at desc, thread_id desc);
