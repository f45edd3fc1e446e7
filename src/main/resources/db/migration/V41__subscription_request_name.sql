-- Issue 22 item 4: the name typed into a list page's subscribe form waits with the request and
-- becomes the member's name once the address confirms (or an owner approves); requests by email
-- carry none. Single line, at most 200 characters, as member names (list.TextRules).
alter table subscription_request add column name text;
alter table subscription_request add constraint subscription_request_name_ck
    check (name is null or (length(name) <= 200 and name !~ '[[:cntrl:]]'));
