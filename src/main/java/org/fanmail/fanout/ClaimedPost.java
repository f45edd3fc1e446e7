package org.fanmail.fanout;

/**
 * A post claimed for expansion (locked in the batch's transaction): its id, its list (null when the
 * list is gone), whether it is system mail, and its list's DMARC mitigation.
 */
record ClaimedPost(long id, Long listId, boolean system, String dmarcMode) {}
