-- Moderation and archive reads (admin API).

-- A list's held posts, oldest first: small (only HELD rows), read on every moderator visit.
create index post_held_ix on post (list_id, id) where state = 'HELD';

-- A list's archive newest first, paged; search filters on top of this order.
create index post_list_received_ix on post (list_id, received_at desc, id desc);
