-- Raw bytes of finished posts are purged after fanmail.retention.raw (queue.RawRetention), so
-- that unauthenticated SMTP cannot fill the disk with mail kept forever. A purged row keeps
-- everything but its bytes: raw becomes empty and raw_purged_at says when; readers of raw check
-- raw_purged_at (the REST raw view answers 410, the mbox export leaves the post out).
alter table post add column raw_purged_at timestamptz;

-- Whether the list keeps its accepted posts' bytes (its archive and mbox export). On by default,
-- so that existing archives stay whole; rejected, discarded and expired posts are purged either
-- way, and so are finished requests, bounces and system mail, which no archive shows.
alter table mailing_list add column archive boolean not null default true;

-- The purge walks finished, unpurged posts in id order (the oldest come first, so a batch after
-- a backlog starts at once); purged rows leave the index.
create index post_raw_retention_ix on post (id)
    where raw_purged_at is null and state in ('DONE', 'DISCARDED', 'REJECTED');
