-- Unsubscription by email needs the member's confirmation on new lists: anyone can forge a
-- message from a member to list-leave@. Existing lists keep the policy they have. (The RFC 8058
-- one-click link is not a request by email and stays one click.)
alter table mailing_list alter column unsubscription_policy set default 'CONFIRM';

-- System mail written on behalf of requests, per source and hour ('*' counts every source):
-- past the configured caps fanmail stops writing it, so nobody can make it mail many addresses.
-- Rows of past hours are deleted by the request stage's scan.
create table system_mail_count (
    source_key text        not null,
    hour       timestamptz not null,
    sent       integer     not null,
    constraint system_mail_count_pk primary key (source_key, hour),
    constraint system_mail_count_source_ck check (length(source_key) between 1 and 400)
);
