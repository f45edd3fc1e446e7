-- No planner statistics for the recipient arrays of delivery (issue 19). No statement filters,
-- joins or sorts on their contents (they are read by position, unnested by the recipient view,
-- or tested for null inside expressions), so their statistics were never used; but ANALYZE built
-- them from every sampled row, detoasting and decompressing each array. On this machine's
-- PostgreSQL 15, a delivery table of 3,000 rows of 100 recipients took 0.29-0.31 s to analyze
-- (30,000 rows: 3.0 s), and both autovacuum and queue.TableStatistics analyze this table while
-- posts fan out; without these five columns the same ANALYZE takes 6 ms (30,000 rows: 56 ms).
alter table delivery
    alter column emails set statistics 0,
    alter column members set statistics 0,
    alter column outcomes set statistics 0,
    alter column replies set statistics 0,
    alter column tries set statistics 0;
