package org.fanmail.decorate;

/** {@code Precedence: list}, so vacation responders stay quiet; the poster's value is replaced. */
public final class PrecedenceHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    headers
        .first("Precedence")
        .filter(f -> f.value().equalsIgnoreCase("list"))
        .ifPresentOrElse(f -> {}, () -> headers.set("Precedence", "list"));
  }
}
