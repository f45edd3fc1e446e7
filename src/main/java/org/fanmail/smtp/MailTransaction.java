package org.fanmail.smtp;

import java.util.ArrayList;
import java.util.List;
import org.fanmail.queue.PostPurpose;
import org.fanmail.smtp.codec.ChunkReader;
import org.fanmail.smtp.codec.DataReader;
import org.fanmail.smtp.codec.SpillBuffer;

/**
 * The state of one mail transaction, from MAIL to the end of DATA/BDAT: the envelope, the accepted
 * list recipients (deduplicated by address), and the message buffer. Dropped as a whole by {@link
 * SmtpSession#reset()}, which closes the buffer (and deletes its spill file).
 */
public final class MailTransaction implements AutoCloseable {
  /** The reverse-path, lowercased, or {@code null} for {@code <>}. */
  public final String reversePath;

  /** {@code 7BIT} or {@code 8BITMIME} (BINARYMIME is refused at MAIL). */
  public final String body;

  public final boolean smtpUtf8;
  public final int number;
  public final List<ListRecipient> recipients = new ArrayList<>();
  public SpillBuffer buffer;
  public DataReader dataReader;
  public ChunkReader chunkReader;

  /**
   * A BDAT chunk was started in this transaction: from then on DATA and further RCPTs are refused
   * (RFC 3030: a transaction's message travels by BDAT alone once it began so).
   */
  public boolean chunksStarted;

  public MailTransaction(String reversePath, String body, boolean smtpUtf8, int number) {
    this.reversePath = reversePath;
    this.body = body;
    this.smtpUtf8 = smtpUtf8;
    this.number = number;
  }

  /** Adds a recipient unless its address is already there; returns false if it was. */
  public boolean addRecipient(ListRecipient r) {
    for (ListRecipient x : recipients) {
      if (x.address().equalsIgnoreCase(r.address())) {
        return false;
      }
    }
    recipients.add(r);
    return true;
  }

  /** The largest message any of the recipient lists takes, capped by the global limit. */
  public long maxSize(long global) {
    long max = global;
    for (ListRecipient r : recipients) {
      Long m = r.list().maxMessageSize();
      if (m != null && r.purpose() == PostPurpose.POST) {
        max = Math.min(max, m);
      }
    }
    return max;
  }

  @Override
  public void close() {
    if (buffer != null) {
      buffer.close();
      buffer = null;
    }
  }
}
