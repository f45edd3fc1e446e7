package org.fanmail.delivery;

import java.time.Instant;

/**
 * A post as it goes out: the decorated header block followed by the stored bytes after the original
 * header block, already dot-stuffed with its final dot ({@code wire}), built once per post and
 * shared by all its transactions.
 *
 * @param postId the post
 * @param wire the DATA bytes to write after 354
 * @param size octets of the message before dot-stuffing (declared in SIZE=)
 * @param eightBit true when any octet is above 127 (BODY=8BITMIME)
 * @param needsSmtpUtf8 true when the header block carries raw UTF-8 (RFC 6532)
 * @param envelopeSender {@code list-bounces@domain}
 * @param receivedAt when the post was received (max-age and latency count from here)
 */
public record PreparedMessage(
    long postId,
    byte[] wire,
    long size,
    boolean eightBit,
    boolean needsSmtpUtf8,
    String envelopeSender,
    Instant receivedAt) {}
