package org.fanmail.delivery;

import static org.fanmail.delivery.OutboundConnector.messageOf;
import static org.fanmail.delivery.RecipientOutcome.decide;
import static org.fanmail.delivery.RecipientOutcome.stateOf;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.HostPort;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsUse;

/**
 * The mail transactions of one open outbound SMTP session (opened, greeted, EHLO'd and TLS'd by
 * {@link OutboundConnector}): any number of them over the same connection, RSET between them.
 *
 * <p>A transaction is MAIL + every RCPT + DATA in one write when the server offers PIPELINING,
 * lock-step otherwise; replies are matched by position. Recipients are split to honour RFC 9422
 * {@code LIMITS RCPTMAX}; a 452 to RCPT puts the rest into a further transaction. Every recipient
 * handed in gets an outcome, except those left {@code unattempted} because the connection reached
 * {@code MAILMAX} (the caller continues them on a new session). Recipients refused at RCPT with a
 * relay-type reply ({@link PeerReply#relayRefusal}) are reported apart as well, so that a caller
 * that bundled several domains into the transaction can retry their domains on their own. Runs on
 * its event-loop context only, one {@link #deliver} at a time.
 *
 * <p>A personalized message ({@link PreparedMessage#personalized}) goes as one transaction per
 * recipient, each with its own envelope sender and bytes, over the same connection. With PIPELINING
 * the MAIL, RCPT and DATA of the next recipient's transaction follow the final dot of the previous
 * one in the same write, so each further recipient costs one round trip; RSET is sent only after a
 * transaction that did not reach its final dot. MAILMAX is honoured the same way: no transaction is
 * begun past it, the rest is left {@code unattempted}.
 */
final class OutboundSession {

  /**
   * Outcomes of one call to {@link #deliver}, recipients not tried because of MAILMAX, and the ids
   * of those among the outcomes that a RCPT reply refused as relaying ({@link
   * PeerReply#relayRefusal}).
   */
  record Result(
      List<RecipientOutcome> outcomes, List<Recipient> unattempted, Set<Long> relayRefused) {}

  private final SmtpConnection conn;
  private final EhloCapabilities caps;
  private final SessionSettings settings;
  private final HostPort host;
  private final EnvelopeCommands envelope;
  private int transactions;

  /** A personalized transaction whose MAIL, RCPT and DATA went out after the previous final dot. */
  private record Ahead(long position, List<Future<PeerReply>> replies) {}

  private Ahead ahead;

  /** True while the last transaction has not reached its final dot (the server holds its state). */
  private boolean open;

  private final Set<Long> relayRefused = new HashSet<>();

  OutboundSession(
      SmtpConnection conn, EhloCapabilities caps, SessionSettings settings, HostPort host) {
    this.conn = conn;
    this.caps = caps;
    this.settings = settings;
    this.host = host;
    this.envelope = new EnvelopeCommands(caps, host);
  }

  HostPort host() {
    return host;
  }

  EhloCapabilities capabilities() {
    return caps;
  }

  /** The TLS policy the session was opened under, and whether it runs over TLS. */
  TlsUse tls() {
    return new TlsUse(conn.policy().mode(), conn.encrypted());
  }

  HostTls policy() {
    return conn.policy();
  }

  /** True while the connection is open and may take another transaction. */
  boolean usable() {
    return conn.alive() && (caps.mailMax() == 0 || transactions < caps.mailMax());
  }

  /** Sends QUIT and closes, whatever the answer. */
  Future<Void> quit() {
    if (!conn.alive()) {
      return Future.succeededFuture();
    }
    return conn.send("QUIT", settings.timeouts().command())
        .transform(
            ar -> {
              conn.close();
              return Future.<Void>succeededFuture();
            });
  }

  /** Sends {@code message} to {@code recipients} in as many transactions as needed. */
  Future<Result> deliver(PreparedMessage message, List<Recipient> recipients) {
    Map<Long, RecipientOutcome> out = new LinkedHashMap<>();
    relayRefused.clear();
    String refusal = envelope.messageRefusal(message);
    if (refusal != null) {
      decide(recipients, State.FAILED, refusal, out);
      return Future.succeededFuture(new Result(List.copyOf(out.values()), List.of(), Set.of()));
    }
    Deque<Recipient> remaining = new ArrayDeque<>();
    for (Recipient r : recipients) {
      String no = envelope.addressRefusal(r);
      if (no != null) {
        out.put(r.position(), RecipientOutcome.of(r, State.FAILED, no));
      } else {
        remaining.add(r);
      }
    }
    return loop(message, remaining, out)
        .map(
            v -> {
              List<Recipient> unattempted = new ArrayList<>();
              String lost = lostReason();
              for (Recipient r : recipients) {
                if (!out.containsKey(r.position())) {
                  if (conn.alive()) {
                    unattempted.add(r);
                  } else {
                    out.put(r.position(), RecipientOutcome.of(r, State.DEFERRED, lost));
                  }
                }
              }
              return new Result(List.copyOf(out.values()), unattempted, Set.copyOf(relayRefused));
            });
  }

  private Future<Void> loop(
      PreparedMessage m, Deque<Recipient> remaining, Map<Long, RecipientOutcome> out) {
    if (remaining.isEmpty() || !usable()) {
      return Future.succeededFuture();
    }
    int n =
        m.personalized()
            ? 1
            : caps.rcptMax() > 0 ? Math.min(caps.rcptMax(), remaining.size()) : remaining.size();
    List<Recipient> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(remaining.poll());
    }
    return transaction(m, batch, remaining, out)
        .compose(
            leftovers -> {
              for (int i = leftovers.size() - 1; i >= 0; i--) {
                remaining.addFirst(leftovers.get(i));
              }
              return loop(m, remaining, out);
            });
  }

  /** The replies of one transaction; null where no reply came (connection lost). */
  private static final class Replies {
    PeerReply mail;
    PeerReply[] rcpt;
    PeerReply data;
  }

  /** One transaction; completes with the recipients that got 452 and should go in another. */
  private Future<List<Recipient>> transaction(
      PreparedMessage m,
      List<Recipient> batch,
      Deque<Recipient> remaining,
      Map<Long, RecipientOutcome> out) {
    boolean rset = transactions > 0 && (!m.personalized() || open);
    transactions++;
    open = true;
    Replies rp = new Replies();
    rp.rcpt = new PeerReply[batch.size()];
    String mail = envelope.mail(m, batch);
    var t = settings.timeouts();
    if (caps.pipelining()) {
      List<Future<PeerReply>> fs;
      int base;
      Ahead sent = ahead;
      ahead = null;
      if (sent != null && batch.size() == 1 && sent.position() == batch.get(0).position()) {
        fs = sent.replies();
        base = 0;
      } else {
        if (sent != null) {
          // Commands are out that nobody will read the replies of: the conversation is lost.
          conn.close();
        }
        List<String> cmds = new ArrayList<>(batch.size() + 3);
        if (rset) {
          cmds.add("RSET");
        }
        cmds.add(mail);
        batch.forEach(r -> cmds.add(EnvelopeCommands.rcpt(r)));
        cmds.add("DATA");
        fs = conn.pipeline(cmds, t.command());
        base = rset ? 1 : 0;
      }
      return Future.join(new ArrayList<>(fs))
          .transform(
              ar -> {
                rp.mail = replyOf(fs.get(base));
                for (int i = 0; i < batch.size(); i++) {
                  rp.rcpt[i] = replyOf(fs.get(base + 1 + i));
                }
                rp.data = replyOf(fs.get(fs.size() - 1));
                return conclude(m, batch, rp, remaining, out, true);
              });
    }
    Future<PeerReply> start =
        rset ? conn.send("RSET", t.command()) : Future.succeededFuture((PeerReply) null);
    return start
        .compose(x -> conn.send(mail, t.command()))
        .compose(
            r -> {
              rp.mail = r;
              return r.positive() ? rcptLockStep(batch, rp, 0) : Future.succeededFuture();
            })
        .transform(ar -> conclude(m, batch, rp, remaining, out, false));
  }

  private Future<Void> rcptLockStep(List<Recipient> batch, Replies rp, int i) {
    if (i >= batch.size()) {
      return Future.succeededFuture();
    }
    return conn.send(EnvelopeCommands.rcpt(batch.get(i)), settings.timeouts().command())
        .compose(
            r -> {
              rp.rcpt[i] = r;
              return rcptLockStep(batch, rp, i + 1);
            });
  }

  private Future<List<Recipient>> conclude(
      PreparedMessage m,
      List<Recipient> batch,
      Replies rp,
      Deque<Recipient> remaining,
      Map<Long, RecipientOutcome> out,
      boolean dataSentAlready) {
    var t = settings.timeouts();
    if (rp.mail == null) {
      settings.metrics().transaction("lost");
      decide(batch, State.DEFERRED, lostReason(), out);
      return Future.succeededFuture(List.of());
    }
    if (!rp.mail.positive()) {
      settings.metrics().transaction("refused");
      decide(batch, stateOf(rp.mail), rp.mail, out);
      return endOpenData(rp, dataSentAlready).map(List.of());
    }
    List<Recipient> accepted = new ArrayList<>();
    List<Recipient> leftovers = new ArrayList<>();
    List<PeerReply> leftoverReplies = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Recipient r = batch.get(i);
      PeerReply reply = rp.rcpt[i];
      if (reply == null) {
        out.put(r.position(), RecipientOutcome.of(r, State.DEFERRED, lostReason()));
      } else if (reply.positive()) {
        accepted.add(r);
      } else if (reply.code() == 452) {
        leftovers.add(r);
        leftoverReplies.add(reply);
      } else {
        out.put(r.position(), RecipientOutcome.of(r, stateOf(reply), reply));
        if (reply.relayRefusal()) {
          relayRefused.add(r.position());
        }
      }
    }
    if (accepted.isEmpty()) {
      for (int i = 0; i < leftovers.size(); i++) {
        out.put(
            leftovers.get(i).position(),
            RecipientOutcome.of(leftovers.get(i), State.DEFERRED, leftoverReplies.get(i)));
      }
      settings.metrics().transaction("no-recipients");
      return endOpenData(rp, dataSentAlready).map(List.of());
    }
    Future<PeerReply> dataReply =
        dataSentAlready
            ? (rp.data == null
                ? Future.failedFuture(new IllegalStateException(lostReason()))
                : Future.succeededFuture(rp.data))
            : conn.send("DATA", t.data());
    return dataReply
        .transform(
            ar -> {
              if (ar.failed()) {
                settings.metrics().transaction("lost");
                decide(accepted, State.DEFERRED, lostReason(), out);
                return Future.succeededFuture();
              }
              PeerReply d = ar.result();
              if (d.code() != 354) {
                settings.metrics().transaction("refused");
                decide(accepted, stateOf(d), d, out);
                return Future.succeededFuture();
              }
              return finalDot(m, batch.get(0), remaining, dataSentAlready)
                  .transform(
                      fin -> {
                        if (fin.succeeded()) {
                          open = false;
                        }
                        if (fin.failed()) {
                          settings.metrics().transaction("lost");
                          decide(
                              accepted,
                              State.DEFERRED,
                              "4.4.2 connection to "
                                  + host
                                  + " lost after the message was sent: "
                                  + messageOf(fin.cause()),
                              out);
                        } else {
                          PeerReply f = fin.result();
                          settings.metrics().transaction(f.positive() ? "ok" : "refused");
                          decide(accepted, f.positive() ? State.DELIVERED : stateOf(f), f, out);
                        }
                        return Future.<Void>succeededFuture();
                      });
            })
        .map(v -> leftovers);
  }

  /**
   * Writes the message after 354 and returns the reply to its final dot. For a personalized message
   * with PIPELINING, the next recipient's MAIL, RCPT and DATA go in the same write when the
   * connection may take another transaction (MAILMAX); their replies are kept in {@link #ahead} for
   * the next {@link #transaction}.
   */
  private Future<PeerReply> finalDot(
      PreparedMessage m, Recipient who, Deque<Recipient> remaining, boolean pipelined) {
    var t = settings.timeouts();
    Recipient next = remaining.peek();
    boolean chain =
        m.personalized()
            && pipelined
            && next != null
            && (caps.mailMax() == 0 || transactions < caps.mailMax());
    if (!chain) {
      return conn.sendData(Buffer.buffer(m.dataFor(who)), t.dataDone());
    }
    List<String> cmds =
        List.of(envelope.mail(m, List.of(next)), EnvelopeCommands.rcpt(next), "DATA");
    List<Future<PeerReply>> fs = conn.sendDataThen(m.dataFor(who), t.dataDone(), cmds, t.command());
    ahead = new Ahead(next.position(), List.copyOf(fs.subList(1, fs.size())));
    return fs.get(0);
  }

  /** A pipelined DATA that got 354 although nobody was accepted must still be ended. */
  private Future<Void> endOpenData(Replies rp, boolean pipelined) {
    if (pipelined && rp.data != null && rp.data.code() == 354) {
      return conn.sendData(Buffer.buffer(".\r\n"), settings.timeouts().dataDone())
          .transform(ar -> Future.succeededFuture());
    }
    return Future.succeededFuture();
  }

  private String lostReason() {
    Throwable c = conn.cause();
    return "4.4.2 connection to " + host + " lost: " + (c == null ? "unknown" : messageOf(c));
  }

  private static PeerReply replyOf(Future<PeerReply> f) {
    return f.succeeded() ? f.result() : null;
  }
}
