-- A member may choose not to get a copy of their own posts (Mailman's "receive own postings").
alter table member add column receive_own_posts boolean not null default true;
