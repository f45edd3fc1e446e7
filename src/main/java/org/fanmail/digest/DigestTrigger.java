package org.fanmail.digest;

/**
 * Why an issue is assembled. The schedule and the threshold are checked again under the period lock
 * (another instance may have sent the issue meanwhile); a REST request sends what is pending.
 */
public enum DigestTrigger {
  SCHEDULE,
  THRESHOLD,
  REQUEST
}
