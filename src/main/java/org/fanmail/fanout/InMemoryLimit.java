package org.fanmail.fanout;

import jakarta.inject.Singleton;

/**
 * How many candidates a post may have to be routed in memory and written with one statement ({@link
 * InMemoryExpansion}); a larger one takes the set-based statements. Measured on ingest of
 * one-recipient posts: a dozen statements less per post. A bean of its own so that a test profile
 * can replace it and send one post each way (a negative limit: every post set-based).
 */
@Singleton
class InMemoryLimit {
  /** The limit: the batch boundary of a small post as well. */
  static final int CANDIDATES = BatchExpander.SMALL_POST;

  /** The current limit; negative: no post is expanded in memory. */
  int candidates() {
    return CANDIDATES;
  }
}
