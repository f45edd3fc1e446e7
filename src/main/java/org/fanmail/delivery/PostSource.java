package org.fanmail.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.fanmail.queue.PostPurpose;

/**
 * The raw post and its list, as {@link DeliveryQueries#LOAD_POST} and {@link
 * DeliveryQueries#CHECK_LEASE_AND_LOAD} read them, for building the outgoing message ({@link
 * PreparedMessages}). The list's columns are null when the list is gone; {@code archiveShown}: its
 * copies name its archive pages ({@code List-Archive}, archive PUBLIC or MEMBERS).
 */
record PostSource(
    byte[] raw,
    String address,
    String localPart,
    String domain,
    String name,
    String subjectPrefix,
    String replyTo,
    String purpose,
    String envelopeFrom,
    long listId,
    boolean personalize,
    String dmarcAction,
    boolean archiveShown) {

  /** System mail goes out as written, with its own envelope sender. */
  boolean system() {
    return PostPurpose.SYSTEM.name().equals(purpose);
  }

  /** One form of a digest issue: decorated like a post, but its subject gets no prefix. */
  boolean digest() {
    return PostPurpose.DIGEST.name().equals(purpose);
  }

  /** The columns of {@link DeliveryQueries#LOAD_POST}, from column {@code at} on. */
  static PostSource read(ResultSet rs, int at) throws SQLException {
    return new PostSource(
        rs.getBytes(at),
        rs.getString(at + 1),
        rs.getString(at + 2),
        rs.getString(at + 3),
        rs.getString(at + 4),
        rs.getString(at + 5),
        rs.getString(at + 6),
        rs.getString(at + 7),
        rs.getString(at + 8),
        rs.getLong(at + 9),
        rs.getBoolean(at + 10),
        rs.getString(at + 11),
        rs.getBoolean(at + 12));
  }
}
