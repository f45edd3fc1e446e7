package org.fanmail.request;

/**
 * What a subscription request asks for. Stored by name in {@code subscription_request.action},
 * whose check constraint lists the same values.
 */
public enum RequestAction {
  SUBSCRIBE,
  UNSUBSCRIBE
}
