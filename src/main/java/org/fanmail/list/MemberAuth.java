package org.fanmail.list;

/**
 * What a post needs, beyond a member's address, to count as that member's on a MEMBERS list. {@code
 * NONE}: the address (envelope or From) is enough. {@code DMARC}: the From address must be an
 * active member and the post must carry an SPF or DKIM pass aligned with the From domain (DMARC
 * pass, or the same test where the domain publishes no DMARC record); otherwise the post is a
 * non-member's. Stored by name in a text column whose check constraint lists the same values.
 */
public enum MemberAuth {
  NONE,
  DMARC
}
