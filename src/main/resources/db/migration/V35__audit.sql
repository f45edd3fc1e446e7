-- The audit log (issue 22): one row per change made through REST or the web admin, written
-- after the change succeeded. list_address is the list the change concerns (null for global
-- resources), so a LIST_OWNER can be shown its lists' entries only.

create table audit (
    id           bigint generated always as identity,
    at           timestamptz not null default now(),
    actor        text        not null,
    action       text        not null,
    target       text        not null,
    list_address text,
    details      jsonb       not null default '{}',
    constraint audit_pk primary key (id)
);
create index audit_at_ix on audit (id desc);
create index audit_actor_ix on audit (actor, id desc);
create index audit_target_ix on audit (target, id desc);
create index audit_list_ix on audit (list_address, id desc) where list_address is not null;
