package org.fanmail.decorate;

/**
 * RFC 2919 {@code List-Id: Name <local.domain>}; an upstream list's List-Id is replaced, so that
 * filters see the list the copy came through. A name that is not ASCII is written as RFC 2047
 * encoded words, so the copy needs no SMTPUTF8.
 */
public final class ListIdHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    String id = "<" + list.localPart() + "." + list.domain() + ">";
    String name = list.name() == null ? "" : list.name().replaceAll("[\\r\\n\"\\\\]", " ").strip();
    String phrase =
        EncodedWords.isPrintableAscii(name) ? "\"" + name + "\"" : EncodedWords.phrase(name);
    headers.set("List-Id", name.isEmpty() ? id : phrase + " " + id);
  }
}
