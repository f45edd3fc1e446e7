-- A delivery row carries its recipients (issue 19): one row per SMTP transaction with the
-- recipients as arrays in RCPT order and an outcome per recipient, instead of one recipient row
-- each. Writing a post of 100,000 recipients wrote 100,000 rows and 300,000 index entries
-- (0.42-0.56 s for the insert alone on this machine's PostgreSQL 15, 1.2 s of the expansion with
-- the numbering around it); as 1,050 rows of arrays the same insert takes 0.06-0.07 s. Outcomes
-- are then one row update per transaction instead of one per recipient.
--
-- A recipient is (delivery, position): position n (1-based) of emails, members, outcomes and
-- replies. members: the member id, 0 for none (system mail). outcomes: null while every
-- recipient is PENDING (the expansion writes none), else one state per position: PENDING,
-- DEFERRED, DELIVERED, FAILED, or MOVED (handed to another delivery row by the relay or TLS
-- fallback: it is that row's recipient now). replies: null, or the last reply per position.
-- Recipients that fail at expansion (a domain that can never take mail) get a delivery row that
-- is DONE from the start, never tried, destination their domain.
alter table delivery
    add column emails   text[]   not null default '{}',
    add column members  bigint[] not null default '{}',
    add column outcomes text[],
    add column replies  text[],
    add column tries    integer[];

-- The rows that exist move into their delivery rows, in id order.
update delivery d set emails = r.emails, members = r.members, outcomes = r.outcomes,
    replies = r.replies, tries = r.tries
from (select delivery_id,
             array_agg(email order by id) as emails,
             array_agg(coalesce(member_id, 0) order by id) as members,
             array_agg(state order by id) as outcomes,
             array_agg(last_reply order by id) as replies,
             array_agg(attempts order by id) as tries
      from recipient where delivery_id is not null group by delivery_id) r
where d.id = r.delivery_id;

insert into delivery (post_id, destination, hosts, state, last_reply, emails, members, outcomes,
                      replies, tries, created_at, updated_at)
select post_id, domain, '{}', 'DONE', min(last_reply),
       array_agg(email order by id), array_agg(coalesce(member_id, 0) order by id),
       array_agg(state order by id), array_agg(last_reply order by id),
       array_agg(attempts order by id), min(updated_at), max(updated_at)
from recipient where delivery_id is null group by post_id, domain;

-- queue.RecipientState mirrors this list (StateConstraintsTest).
alter table delivery add constraint delivery_outcomes_ck
    check (outcomes <@ array['PENDING', 'DEFERRED', 'DELIVERED', 'FAILED', 'MOVED']::text[]);

drop trigger post_delete_recipients on post;
drop trigger delivery_delete_recipients on delivery;
drop function recipient_cascade_post();
drop function recipient_cascade_delivery();
drop table recipient;

-- How many of a row's n recipients are still to be sent (PENDING or DEFERRED). Callers pass
-- cardinality(members) for n: members stays inline in the row, emails is compressed past ~80
-- recipients and would be decompressed to be counted.
create function recipients_open(n integer, outcomes text[]) returns integer
    language sql immutable parallel safe as $$
    select case when outcomes is null then coalesce(n, 0)
           else (select count(*)::integer from unnest(outcomes) s
                 where s in ('PENDING', 'DEFERRED')) end
$$;

-- The outcomes after an attempt: positions (1-based) and their new states laid over the current
-- ones (null: all PENDING). Only a recipient still open takes a new state; a decided one keeps
-- its own. PL/pgSQL, not SQL: it is called in every attempt's statement, and a SQL function of
-- joins over generate_series was planned again at each call (0.12 ms a call for 100 recipients
-- against 0.025 ms for this loop, whose plans the session keeps).
create function recipient_outcomes(n integer, current text[], positions integer[],
                                   states text[]) returns text[]
    language plpgsql immutable parallel safe as $$
declare
    r text[] := coalesce(current, array_fill('PENDING'::text, array[n]));
    p integer;
begin
    for i in 1 .. coalesce(cardinality(positions), 0) loop
        p := positions[i];
        if p between 1 and n and r[p] in ('PENDING', 'DEFERRED') then
            r[p] := states[i];
        end if;
    end loop;
    return r;
end $$;

-- The replies after an attempt: the new reply of each position given whose recipient was still
-- open (current outcomes), the old one elsewhere.
create function recipient_replies(n integer, current_outcomes text[], current text[],
                                  positions integer[], replies text[]) returns text[]
    language plpgsql immutable parallel safe as $$
declare
    r text[] := coalesce(current, array_fill(null::text, array[n]));
    p integer;
begin
    for i in 1 .. coalesce(cardinality(positions), 0) loop
        p := positions[i];
        if p between 1 and n
           and coalesce(current_outcomes[p], 'PENDING') in ('PENDING', 'DEFERRED') then
            r[p] := replies[i];
        end if;
    end loop;
    return r;
end $$;

-- The attempts after an attempt: one more for each position given whose recipient was still open.
create function recipient_tries(n integer, current_outcomes text[], current integer[],
                                positions integer[]) returns integer[]
    language plpgsql immutable parallel safe as $$
declare
    r integer[] := coalesce(current, array_fill(0, array[n]));
    p integer;
begin
    for i in 1 .. coalesce(cardinality(positions), 0) loop
        p := positions[i];
        if p between 1 and n
           and coalesce(current_outcomes[p], 'PENDING') in ('PENDING', 'DEFERRED') then
            r[p] := coalesce(r[p], 0) + 1;
        end if;
    end loop;
    return r;
end $$;

-- The recipients as rows, for reading (status, tests, operators at psql): one per position that
-- was not moved to another row. Nothing writes through it.
create view recipient as
select d.post_id, d.id as delivery_id, r.position::integer as position,
       nullif(r.member_id, 0) as member_id, r.email,
       lower(substring(r.email from '@([^@]*)$')) as domain,
       coalesce(r.outcome, 'PENDING') as state, r.last_reply, coalesce(r.tries, 0) as attempts,
       d.updated_at
from delivery d
cross join lateral unnest(d.emails, d.members, coalesce(d.outcomes, '{}'),
                          coalesce(d.replies, '{}'), coalesce(d.tries, '{}'))
    with ordinality as r(email, member_id, outcome, last_reply, tries, position)
where r.email is not null and coalesce(r.outcome, 'PENDING') <> 'MOVED';
