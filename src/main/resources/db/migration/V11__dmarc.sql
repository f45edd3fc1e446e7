-- DMARC mitigation (README "DMARC").

-- Mitigate every post of the list, not only those from domains that publish p=quarantine or
-- p=reject; no DNS look-up is made then.
alter table mailing_list add column dmarc_mitigate_always boolean not null default false;

-- The decision taken once per post at expansion (fanout.DmarcStep), read by decoration for every
-- transaction and retry of the post, so all its copies look alike. Null: not decided (a post
-- expanded before this migration, or mail that is not a post), which decoration treats as NONE.
alter table post add column dmarc_action text;
-- Why: "always", "p=reject at example.org", "look-up failed for now at example.org", ...
alter table post add column dmarc_reason text;
alter table post add constraint post_dmarc_action_ck
    check (dmarc_action is null or dmarc_action in ('NONE', 'MUNGE_FROM', 'WRAP'));
