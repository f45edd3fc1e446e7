package org.fanmail.delivery;

import java.util.List;
import java.util.Map;

/**
 * The decided state of one recipient after one attempt, with the reply (or our reason) that decided
 * it as recorded in {@code last_reply}, and the RFC 3463 status that goes with it: the peer's,
 * taken from its {@link PeerReply} when it was read, or the one our reason begins with ({@code
 * 4.4.2 connection … lost}, {@code 552 5.3.4 message size …}, a resolver's {@code 5.1.2 …}); null
 * when there is none. {@code position}: the recipient's place (1-based) in its delivery row.
 */
public record RecipientOutcome(
    long position, String email, State state, String reply, String status) {
  /** Recipient outcomes, as in the {@code delivery.outcomes} array. */
  public enum State {
    DELIVERED,
    DEFERRED,
    FAILED
  }

  /** Decided by what the peer said. */
  static RecipientOutcome of(Recipient r, State state, PeerReply reply) {
    return new RecipientOutcome(r.position(), r.email(), state, reply.text(), reply.status());
  }

  /** Decided by fanmail itself, for {@code reason}. */
  static RecipientOutcome of(Recipient r, State state, String reason) {
    return new RecipientOutcome(r.position(), r.email(), state, reason, statusOf(reason));
  }

  /**
   * A permanent refusal: FAILED with a 5.x.x status. These count as bounces (scored like DSNs); a
   * recipient given up after max-age keeps the status of its last deferral (4.x.x or none) and does
   * not.
   */
  boolean permanentRefusal() {
    return state == State.FAILED && status != null && status.charAt(0) == '5';
  }

  /**
   * The status our reason begins with ({@code 5.1.2 …}, {@code 552 5.3.4 …} or {@code 552 …}), or
   * null; computed once when many recipients share the reason.
   */
  static String statusOf(String reason) {
    if (reason == null) {
      return null;
    }
    if (reason.length() >= 3
        && isCode(reason)
        && (reason.length() == 3 || reason.charAt(3) == ' ')) {
      return PeerReply.of(reason).status();
    }
    return PeerReply.enhancedAt(reason, 0, (char) 0);
  }

  /** Decides every one of {@code rs} in {@code out} with {@code reason} (its status parsed). */
  static void decide(
      List<Recipient> rs, State state, String reason, Map<Long, RecipientOutcome> out) {
    decide(rs, state, reason, statusOf(reason), out);
  }

  static void decide(
      List<Recipient> rs, State state, PeerReply reply, Map<Long, RecipientOutcome> out) {
    decide(rs, state, reply.text(), reply.status(), out);
  }

  /** One text and status for all of {@code rs} (a transaction's DATA reply decides hundreds). */
  static void decide(
      List<Recipient> rs,
      State state,
      String reply,
      String status,
      Map<Long, RecipientOutcome> out) {
    for (Recipient r : rs) {
      out.put(r.position(), new RecipientOutcome(r.position(), r.email(), state, reply, status));
    }
  }

  /** A refusal's state: FAILED for 5xx, DEFERRED otherwise. */
  static State stateOf(PeerReply r) {
    return r.permanentFailure() ? State.FAILED : State.DEFERRED;
  }

  private static boolean isCode(String s) {
    for (int i = 0; i < 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * A recipient to send to in one delivery row.
   *
   * @param position its place (1-based) in the delivery row's recipients ({@code delivery.emails})
   * @param memberId the list member it was expanded from, 0 for none (system mail)
   */
  public record Recipient(long position, String email, long memberId) {
    public Recipient(long position, String email) {
      this(position, email, 0);
    }
  }
}
