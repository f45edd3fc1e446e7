-- Issue 21, item 7: a site's connections and connection rate are limits of the cluster, like its
-- messages per minute (V28).
--
-- shaping_connection: one row per connection slot of a site, numbered from 0. An instance takes
-- a free slot below its current limit for the site before it opens a connection
-- (shaping.ShapingQueries.TAKE_SLOT) and gives it back when the connection closed, so the
-- instances of a cluster never hold more slots, and so never have more connections open, than
-- the site allows. A slot is free when nobody holds it, when its lease ran out (the holder renews
-- its slots in one statement at every scan), or when its holder's instance lock
-- (delivery.InstanceLock) is free: a crashed instance's slots come back as soon as its database
-- session ends. Rows are made on first need (generate_series up to the limit) and rows nobody
-- took for a day are deleted.
create table shaping_connection (
    site           text        not null,
    slot           integer     not null,
    owner_instance text,
    lease_until    timestamptz,
    updated_at     timestamptz not null default now(),
    constraint shaping_connection_pk primary key (site, slot),
    constraint shaping_connection_slot_ck check (slot >= 0 and slot < 1000),
    constraint shaping_connection_site_ck check (length(site) <= 1000),
    constraint shaping_connection_lease_ck check (owner_instance is null or lease_until is not null)
);

-- The connection-rate bucket of a site (connections per minute), taken from by every instance
-- before it connects (shaping.ShapingQueries.TAKE_CONNECT_TOKEN), beside the messages bucket;
-- it holds one connection (no burst: connections are spaced 60/rate seconds apart) and starts full.
alter table shaping_site
    add column connect_tokens      double precision not null default 1,
    add column connect_refilled_at timestamptz      not null default now();
