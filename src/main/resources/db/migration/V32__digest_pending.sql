-- Issue 18 follow-up: the pending digest as rows of its own, so that assembling a list's issue,
-- the scan and raw retention read the posts not yet in a digest only, however long the list's
-- history (before, each read walked every post of the list above list_digest.first_post_id,
-- which only V21 set).
--
-- A post is pending from the moment it becomes DELIVERING or DONE (its expansion: the fan-out
-- holds the list's list_digest row FOR SHARE, the assembler FOR UPDATE, so a post becomes pending
-- wholly inside one period) until the assembler writes its digest_post row and deletes this one in
-- the same transaction. A trigger keeps it, so no writer of post can forget it; it fires on the
-- move into DELIVERING/DONE only (not on DELIVERING -> DONE, which the delivery engine makes
-- without the period lock and which must not make a digested post pending again).
create table digest_pending (
    list_id bigint not null,
    post_id bigint not null,
    constraint digest_pending_pk primary key (list_id, post_id),
    constraint digest_pending_post_uk unique (post_id),
    constraint digest_pending_post_fk foreign key (post_id) references post (id) on delete cascade
);

create function post_digest_pending() returns trigger language plpgsql as $$
begin
    insert into digest_pending (list_id, post_id)
        select new.list_id, new.id from list_digest ld
        where ld.list_id = new.list_id and new.id > ld.first_post_id
          and not exists (select 1 from digest_post x where x.post_id = new.id)
        on conflict do nothing;
    return null;
end $$;
create trigger post_digest_pending_ins_tg after insert on post
    for each row when (new.purpose = 'POST' and new.state in ('DELIVERING', 'DONE'))
    execute function post_digest_pending();
create trigger post_digest_pending_upd_tg after update of state on post
    for each row when (new.purpose = 'POST' and new.state in ('DELIVERING', 'DONE')
                       and old.state not in ('DELIVERING', 'DONE'))
    execute function post_digest_pending();

insert into digest_pending (list_id, post_id)
    select p.list_id, p.id from post p join list_digest ld on ld.list_id = p.list_id
    where p.purpose = 'POST' and p.state in ('DELIVERING', 'DONE') and p.id > ld.first_post_id
      and not exists (select 1 from digest_post x where x.post_id = p.id);
