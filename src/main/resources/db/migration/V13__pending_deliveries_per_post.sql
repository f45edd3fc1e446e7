-- "Is anything of this post still pending?" is asked each time one of its deliveries closes
-- (DeliveryQueries.FINISH_POST). Through delivery_post_ix it walks past every closed delivery of
-- the post first: about a million index entries for the 1,050 closes of a 100,000-recipient post.
-- This index holds only the pending ones.
create index delivery_pending_post_ix on delivery (post_id) where state = 'PENDING';
