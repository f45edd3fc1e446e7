-- The scan looks for posts whose expansion stopped half-way (FanoutQueries.UNFINISHED_EXPANSIONS)
-- every scan interval: through this index, which holds only such posts (normally none), instead of
-- reading the whole post table.
create index post_unfinished_expansion_ix on post (id)
    where state = 'DELIVERING' and expanded_at is null;
