package org.fanmail.decorate;

/** Reply-To munging: when the list says replies go to the list, Reply-To is the list address. */
public final class ReplyToHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    if (list.replyToList()) {
      headers.set("Reply-To", "<" + list.address() + ">");
    }
  }
}
