-- The expander claims the oldest ACCEPTED posts (FanoutQueries.CLAIM_ACCEPTED_POSTS): through this
-- index it reads them in id order and stops at the batch's size, instead of collecting every
-- ACCEPTED entry of post_state_ix and sorting them.
create index post_accepted_ix on post (id) where state = 'ACCEPTED';
