-- MTA-STS policies fetched from receivers (RFC 8461 section 5: a policy should outlive a restart,
-- or an attacker who strips the TXT record right after one wins). One row per policy domain: the
-- TXT id it was fetched under and the policy text as served (parsed again when read), until
-- expires_at (fetched_at + max_age). Expired rows are deleted when a policy is saved.
create table mta_sts_policy (
    domain      text        primary key,
    policy_id   text        not null,
    body        text        not null,
    fetched_at  timestamptz not null,
    expires_at  timestamptz not null,
    constraint mta_sts_policy_body_size_ck check (octet_length(body) <= 65536)
);
create index mta_sts_policy_expires_idx on mta_sts_policy (expires_at);
