package org.fanmail.request;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A message to one of a list's command addresses, claimed (row-locked) for processing: its post id,
 * list (null when the list was deleted since), purpose, purpose argument (for a reply to {@code
 * -confirm+TOKEN}, the {@link org.fanmail.queue.ConfirmReference} kept instead of the token),
 * envelope sender ({@code ""} for the null sender) and raw bytes.
 */
record ClaimedMessage(
    long id, Long listId, String purpose, String arg, String envelopeFrom, byte[] raw) {

  static ClaimedMessage read(ResultSet rs) throws SQLException {
    long list = rs.getLong(2);
    return new ClaimedMessage(
        rs.getLong(1),
        rs.wasNull() ? null : list,
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getBytes(6));
  }
}
