package org.fanmail.request;

/**
 * What became of one subscribe or unsubscribe request, with the sentence the command results tell
 * the requester ({@code %s} is the address).
 */
enum Outcome {
  SUBSCRIBED("%s is now subscribed."),
  ALREADY_MEMBER("%s is already subscribed."),
  DISABLED_BY_OWNER("%s was disabled by the list's owners; please write to them."),
  CONFIRMATION_SENT(
      "A confirmation request was sent to %s; the change happens once it is answered."),
  CONFIRMATION_NOT_SENT(
      "No confirmation was sent to %s for now: too many messages went there or came from you."),
  AWAITING_APPROVAL("The request for %s waits for the list's owners to approve it."),
  UNSUBSCRIBED("%s is no longer subscribed."),
  NOT_MEMBER("%s is not subscribed."),
  /** A request about another address: the answer must not tell whether it is subscribed. */
  THIRD_PARTY("If the request applies to %s, a confirmation request was sent there.");

  private final String sentence;

  Outcome(String sentence) {
    this.sentence = sentence;
  }

  String describe(String address) {
    return String.format(sentence, address);
  }
}
