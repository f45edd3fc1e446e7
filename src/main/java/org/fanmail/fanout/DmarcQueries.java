package org.fanmail.fanout;

/**
 * The named SQL of the DMARC decision ({@link DmarcStep}): taken once per post inside the
 * expansion's transaction. Delivery reads the recorded action with the post it sends ({@code
 * queue.DeliveryQueries}), so nothing here is shared with another stage.
 */
final class DmarcQueries {
  private DmarcQueries() {}

  /**
   * What the decision needs: the list's mode and always-flag, and the first 256 KiB of the post
   * (its header section is in there; the body is not read). Parameter: post id.
   */
  public static final String LOAD_DECISION_INPUT =
      "select l.dmarc_mitigation, l.dmarc_mitigate_always,"
          + " case when l.dmarc_mitigation <> 'NONE' then substring(p.raw from 1 for 262144) end"
          + " from post p join mailing_list l on l.id = p.list_id where p.id = ?";

  /** Records the decision on the post. Parameters: action, reason, post id. */
  public static final String RECORD_DECISION =
      "update post set dmarc_action = ?, dmarc_reason = ? where id = ?";
}
