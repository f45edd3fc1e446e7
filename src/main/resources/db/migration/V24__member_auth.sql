-- Inbound authentication (README "Inbound checks"): with DMARC, a post counts as a member's only
-- when its From address is an active member and an SPF or DKIM pass is aligned with the From
-- domain; otherwise it is a non-member's (held or rejected per non_member_action).
alter table mailing_list add column member_auth text not null default 'NONE';
alter table mailing_list add constraint mailing_list_member_auth_ck
    check (member_auth in ('NONE', 'DMARC'));
