package org.fanmail.smtp;

import org.fanmail.config.SmtpConfig;
import org.fanmail.smtp.codec.ChunkReader;
import org.fanmail.smtp.codec.SpillBuffer;

/**
 * The BDAT chunk being read on a session (RFC 3030): its reader, whether it is the transaction's
 * last, the state to return to after it, and the reply to give instead of accepting it. A chunk
 * without a transaction with recipients is still read to its last octet and discarded, then
 * answered {@code 503 5.5.1}, so the framing of the next command holds.
 */
record BdatChunk(ChunkReader reader, boolean last, SessionState before, SmtpReply refusal) {

  /** Starts reading {@code size} octets for {@code tx} (null when there is no transaction). */
  static BdatChunk start(
      MailTransaction tx, long size, boolean last, SessionState before, SmtpConfig config) {
    if (tx == null || tx.recipients.isEmpty() || tx.dataReader != null) {
      ChunkReader discard = new ChunkReader(null, 0, true);
      discard.startChunk(size, true);
      return new BdatChunk(
          discard, last, before, tx == null ? SmtpReplies.NEED_MAIL : SmtpReplies.NEED_RCPT);
    }
    if (tx.chunkReader == null) {
      tx.buffer = new SpillBuffer(config.spillThreshold());
      // Always text: BINARYMIME is not offered, so bare CR or LF is refused as in DATA.
      tx.chunkReader = new ChunkReader(tx.buffer, tx.maxSize(config.maxMessageSize()), false);
    }
    tx.chunksStarted = true;
    tx.chunkReader.startChunk(size, false);
    return new BdatChunk(tx.chunkReader, last, before, null);
  }
}
