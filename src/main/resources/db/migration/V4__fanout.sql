-- Fan-out: an index for the questions asked of open recipients (queue status, a delivery's
-- recipients still to send). Recipients that are final (DELIVERED, FAILED) are the vast majority
-- over time and stay out of it.
create index recipient_open_ix on recipient (delivery_id) where state in ('PENDING', 'DEFERRED');
