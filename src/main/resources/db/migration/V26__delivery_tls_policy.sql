-- The TLS policy the last attempt of a delivery row got (issue 20, item 4): which policy applied
-- to the host it used (or that refused every host) and whether the session ran over TLS. Null
-- until an attempt opened, or was refused, a session. Mirrors org.fanmail.tlspolicy.TlsMode.
alter table delivery
  add column tls_policy text,
  add column tls_used boolean,
  add constraint delivery_tls_policy_ck check (tls_policy in
    ('NONE', 'OPPORTUNISTIC', 'MTA_STS', 'MTA_STS_TESTING', 'DANE', 'REQUIRED'));
