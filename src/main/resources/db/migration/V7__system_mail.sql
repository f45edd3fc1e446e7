-- System mail (confirmations, notices, replies to commands, owner forwards) travels through the
-- same queue and delivery engine as posts: a post row with purpose SYSTEM, already ACCEPTED, whose
-- recipients are named here instead of expanded from the list's members.
alter table post add column addressed_to text[];
alter table post add constraint post_system_addressed_ck
    check (purpose <> 'SYSTEM' or cardinality(addressed_to) between 1 and 1000);
