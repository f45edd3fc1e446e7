-- One row per delivery site (shaping.SiteKey: a provider profile's name, or the sorted MX host
-- set) whose limits or state the instances of a cluster share (issue 21). A site without a row
-- is NORMAL and has a full bucket.
--   state / until_at / reason: THROTTLED or SUSPENDED until until_at (a reply rule, the failed
--     cohort of the concurrency feedback, or an operator); every instance reads the rows at its
--     refresh and obeys them, so a suspension seen by one instance holds for all.
--   tokens / refilled_at: the site's messages-per-minute token bucket, taken from by every
--     instance (shaping.ShapingQueries.TAKE_TOKENS), so the rate is per cluster, not per instance.
create table shaping_site (
    site        text             not null,
    state       text             not null default 'NORMAL',
    until_at    timestamptz,
    reason      text,
    mx_hosts    text[]           not null default '{}',
    -- THROTTLED: the limits meanwhile (connections; messages a minute, 0: the profile's own).
    throttle_connections integer not null default 1,
    throttle_rate        integer not null default 0,
    tokens      double precision not null default 0,
    refilled_at timestamptz      not null default now(),
    updated_at  timestamptz      not null default now(),
    constraint shaping_site_pk primary key (site),
    constraint shaping_site_state_ck check (state in ('NORMAL', 'THROTTLED', 'SUSPENDED')),
    constraint shaping_site_length_ck check (length(site) <= 1000),
    constraint shaping_site_until_ck check (state = 'NORMAL' or until_at is not null)
);
