package org.fanmail.auth;

/**
 * What the check of one {@code DKIM-Signature} found, in the words of Authentication-Results.
 *
 * @param domain the signature's {@code d=}, lowercased
 * @param selector its {@code s=}
 * @param result {@code pass}, {@code fail}, {@code neutral}, {@code temperror} or {@code permerror}
 * @param reason why, for logs and the field's comment
 */
public record DkimVerdict(String domain, String selector, String result, String reason) {
  public boolean passed() {
    return "pass".equals(result);
  }
}
