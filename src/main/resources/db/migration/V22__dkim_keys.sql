-- DKIM keys (issue 20): generated inside fanmail, one row per (domain, selector). The private key
-- is kept sealed (AES-256-GCM under a key derived from fanmail.link-secret, dkim.PrivateKeySeal),
-- never in clear text; the public key is what the DNS record publishes. Every active key of a
-- list's domain signs that list's copies; the oldest active RSA key seals ARC.
create table dkim_key (
    domain text not null,
    selector text not null,
    algorithm text not null,
    public_key bytea not null,
    private_key_sealed bytea not null,
    active boolean not null default true,
    created_at timestamptz not null default now(),
    constraint dkim_key_pk primary key (domain, selector),
    constraint dkim_key_algorithm_ck check (algorithm in ('RSA_SHA256', 'ED25519_SHA256')),
    constraint dkim_key_domain_ck check (domain = lower(domain) and length(domain) <= 253),
    constraint dkim_key_selector_ck check (selector = lower(selector) and length(selector) <= 63)
);
