-- A member row references its list. As a foreign key the reference was checked with a query of
-- its own for every inserted row: a third of the time of inserting 100,000 members (1.15–1.25 s
-- with the key, 0.81–0.83 s without, one INSERT ... SELECT on PostgreSQL 15), and imports insert
-- them a thousand per statement. These triggers keep the same rules with one query per
-- statement:
--   * rows inserted into member must name existing lists, which are locked FOR KEY SHARE until
--     the end of the transaction (as the key's check does), so that a concurrent DELETE of the
--     list waits and then deletes them too; otherwise the statement fails with SQLSTATE 23503
--     and the constraint name member_list_fk, as before;
--   * a member never moves to another list (nothing in fanmail does that; refused with 23503);
--   * deleting lists deletes their members (the key's ON DELETE CASCADE), in the same statement.
alter table member drop constraint member_list_fk;

create function member_list_check() returns trigger
    language plpgsql as $$
declare
    missing bigint;
begin
    perform 1 from mailing_list l
        where l.id in (select distinct n.list_id from member_new n)
        for key share of l;
    select d.list_id into missing from (select distinct n.list_id from member_new n) d
        where not exists (select 1 from mailing_list l where l.id = d.list_id)
        limit 1;
    if found then
        raise foreign_key_violation using
            message = format('insert into member: list %s does not exist', missing),
            constraint = 'member_list_fk', table = 'member';
    end if;
    return null;
end
$$;

create trigger member_list_check after insert on member
    referencing new table as member_new
    for each statement execute function member_list_check();

create function member_list_fixed() returns trigger
    language plpgsql as $$
begin
    raise foreign_key_violation using
        message = 'a member cannot move to another list',
        constraint = 'member_list_fk', table = 'member';
end
$$;

create trigger member_list_fixed before update of list_id on member
    for each row when (old.list_id is distinct from new.list_id)
    execute function member_list_fixed();

create function mailing_list_delete_members() returns trigger
    language plpgsql as $$
begin
    delete from member m using mailing_list_old o where m.list_id = o.id;
    return null;
end
$$;

create trigger mailing_list_delete_members after delete on mailing_list
    referencing old table as mailing_list_old
    for each statement execute function mailing_list_delete_members();
