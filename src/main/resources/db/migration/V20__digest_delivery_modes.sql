-- Issue 18: the one DIGEST mode becomes two forms, MIME (RFC 2046 multipart/digest) and PLAIN
-- (RFC 1153). A member who chose DIGEST before keeps a digest, in the MIME form.
alter table member drop constraint member_delivery_mode_ck;
update member set delivery_mode = 'DIGEST_MIME' where delivery_mode = 'DIGEST';
alter table member add constraint member_delivery_mode_ck
    check (delivery_mode in ('REGULAR', 'DIGEST_MIME', 'DIGEST_PLAIN', 'NOMAIL'));
