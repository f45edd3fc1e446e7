-- The recipient table is written once per recipient at expansion and updated once per recipient
-- when its transaction ends: at 100,000 recipients a post these two writes were most of the
-- database's work (BENCHMARKS.md, "Where the time goes"). Two changes make them cheaper.

-- 1. The foreign keys of recipient cost a lock on the post row and a probe of the delivery row
--    for every recipient written (1.8 s against 0.7 s for 100,000 rows). fanmail never deletes
--    posts or deliveries; the cascade they gave to an operator who does is kept by two triggers
--    that only run on deletion.
alter table recipient drop constraint recipient_post_fk;
alter table recipient drop constraint recipient_delivery_fk;

create function recipient_cascade_post() returns trigger language plpgsql as $$
begin
    delete from recipient where post_id = old.id;
    return old;
end $$;
create trigger post_delete_recipients before delete on post
    for each row execute function recipient_cascade_post();

create function recipient_cascade_delivery() returns trigger language plpgsql as $$
begin
    delete from recipient where delivery_id = old.id;
    return old;
end $$;
create trigger delivery_delete_recipients before delete on delivery
    for each row execute function recipient_cascade_delivery();

-- 2. Recording an outcome changes state, attempts, last_reply and updated_at. With state in the
--    predicate of recipient_open_ix every such update wrote a new entry into each index (the
--    unique one with its check); without it, and with room left on each page, the update stays
--    on its page and touches no index (a heap-only tuple): 0.9 ms against 2.4 ms for a
--    100-recipient transaction. Open recipients are found through their delivery row, which is
--    PENDING while any of its recipients is open (queue.StatusQueries).
drop index recipient_open_ix;
alter table recipient set (fillfactor = 50);
