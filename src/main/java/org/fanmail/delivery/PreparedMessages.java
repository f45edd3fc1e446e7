package org.fanmail.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fanmail.config.FanmailConfig;
import org.fanmail.decorate.ArchiveLinks;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderDecorator;
import org.fanmail.decorate.ListIdentity;
import org.fanmail.decorate.OutgoingCopy;
import org.fanmail.decorate.UnsubscribeLinks;
import org.fanmail.dkim.DkimKeys;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.VerpTags;

/**
 * Builds each post's outgoing message once (decorated header block + the stored bytes after the
 * original header block, dot-stuffed) and keeps it for the post's later transactions. Bounded by
 * total bytes (least recently used first out); an evicted post is simply built again. Blocking on a
 * miss (it reads the post): call from worker threads. A post is built by one thread at a time: the
 * others that want it meanwhile wait for that build (so a signed post is signed once).
 *
 * <p>A post of a personalized list keeps its decorated header and its body apart ({@link
 * PersonalParts}): each recipient's own {@code List-Unsubscribe} fields and VERP sender are added
 * when its transaction is written, the shared parts are held once.
 *
 * <p>When the list's domain has active DKIM keys, {@link CopySigning} puts the post's ARC set on
 * the shared header and signs the copy: once here for a shared copy (cached with it), per recipient
 * in {@link PersonalParts} for a personalized one.
 */
@ApplicationScoped
public class PreparedMessages {
  private static final long MAX_BYTES = 256L * 1024 * 1024;

  private final DeliveryStore store;
  private final HeaderDecorator decorator = new HeaderDecorator();
  private final UnsubscribeLinks links;
  private final ArchiveLinks archiveLinks;
  private final VerpTags verpTags;
  private final LinkedHashMap<Long, PreparedMessage> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  /** Posts being built now, each with the lock its other first transactions wait on. */
  private final ConcurrentHashMap<Long, Object> building = new ConcurrentHashMap<>();

  private final CopySigning signing;

  public PreparedMessages(
      DeliveryStore store, FanmailConfig config, DkimKeys keys, DeliveryMetrics metrics) {
    this.store = store;
    this.signing = CopySigning.of(keys, config, metrics::signed);
    this.links = new UnsubscribeLinks(config.publicUrl(), LinkTokens.of(config));
    this.archiveLinks = new ArchiveLinks(config.publicUrl());
    this.verpTags = VerpTags.of(config);
  }

  /** Whether {@code postId}'s message is built already (a hint: it may be evicted meanwhile). */
  synchronized boolean has(long postId) {
    return cache.containsKey(postId);
  }

  /**
   * The prepared message of {@code postId}; empty when the post or its list is gone. Built from
   * {@code loaded} when the caller read the post already, else read here.
   */
  Optional<PreparedMessage> get(long postId, Instant receivedAt, PostSource loaded)
      throws SQLException {
    synchronized (this) {
      PreparedMessage hit = cache.get(postId);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    // One build per post: the first transactions of a post start on many runners at once, and a
    // signed build costs several signatures (and may validate an ARC chain over DNS).
    Object gate = building.computeIfAbsent(postId, id -> new Object());
    try {
      synchronized (gate) {
        synchronized (this) {
          PreparedMessage hit = cache.get(postId);
          if (hit != null) {
            return Optional.of(hit);
          }
        }
        return buildAndKeep(postId, receivedAt, loaded);
      }
    } finally {
      building.remove(postId, gate);
    }
  }

  private Optional<PreparedMessage> buildAndKeep(long postId, Instant receivedAt, PostSource loaded)
      throws SQLException {
    Optional<PostSource> source = loaded != null ? Optional.of(loaded) : store.loadPost(postId);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    PreparedMessage built = build(postId, source.get(), receivedAt);
    synchronized (this) {
      PreparedMessage raced = cache.putIfAbsent(postId, built);
      if (raced != null) {
        return Optional.of(raced);
      }
      bytes += weight(built);
      Iterator<Map.Entry<Long, PreparedMessage>> it = cache.entrySet().iterator();
      while (bytes > MAX_BYTES && it.hasNext()) {
        Map.Entry<Long, PreparedMessage> eldest = it.next();
        if (eldest.getKey() == postId) {
          continue;
        }
        bytes -= weight(eldest.getValue());
        it.remove();
      }
    }
    return Optional.of(built);
  }

  private PreparedMessage build(long postId, PostSource p, Instant receivedAt) throws SQLException {
    byte[] raw = p.raw();
    if (p.system()) {
      boolean eightBit = hasHighBit(raw, raw.length);
      int headerEnd = HeaderBlock.split(raw);
      byte[] header = Arrays.copyOf(raw, headerEnd);
      byte[] rest = Arrays.copyOfRange(raw, headerEnd, raw.length);
      CopySigning.Sealed sealed = signing.seal(postId, raw, header, rest, p.domain(), false);
      byte[] signedHeader = signedShared(sealed);
      return new PreparedMessage(
          postId,
          DotStuffing.stuff(signedHeader, rest),
          signedHeader.length + rest.length,
          eightBit,
          hasHighBit(raw, headerEnd),
          p.envelopeFrom(),
          receivedAt);
    }
    int headerEnd = HeaderBlock.split(raw);
    ListIdentity list =
        new ListIdentity(
            p.address(),
            p.localPart(),
            p.domain(),
            p.name(),
            // A digest's subject names the list already (SPEC "Digests"): no prefix on it.
            p.digest() ? null : p.subjectPrefix(),
            "LIST".equals(p.replyTo()),
            links.forList(p.listId()),
            p.personalize(),
            p.archiveShown() ? archiveLinks.forList(p.address()) : null);
    DmarcAction dmarc = DmarcAction.of(p.dmarcAction());
    OutgoingCopy copy = OutgoingCopy.of(raw, headerEnd, list, dmarc, decorator);
    byte[] rest = copy.rest();
    CopySigning.Sealed sealed =
        signing.seal(postId, raw, copy.header(), rest, p.domain(), dmarc == DmarcAction.WRAP);
    byte[] header = p.personalize() ? sealed.header() : signedShared(sealed);
    boolean headerUtf8 = hasHighBit(header, header.length);
    boolean eightBit = headerUtf8 || hasHighBit(rest, rest.length);
    if (p.personalize()) {
      // Shared header once, the recipient's fields spliced in after it when each copy is written.
      return new PreparedMessage(
          postId,
          DotStuffing.stuffLines(header),
          header.length + rest.length,
          eightBit,
          headerUtf8,
          p.localPart() + "-bounces@" + p.domain(),
          receivedAt,
          new PersonalParts(
              DotStuffing.stuff(rest), list, p.listId(), links, verpTags, sealed.plan(), header));
    }
    byte[] wire = DotStuffing.stuff(header, rest);
    return new PreparedMessage(
        postId,
        wire,
        header.length + rest.length,
        eightBit,
        headerUtf8,
        p.localPart() + "-bounces@" + p.domain(),
        receivedAt);
  }

  /** A shared copy's header: its DKIM signatures on top of the sealed header. */
  private static byte[] signedShared(CopySigning.Sealed sealed) {
    byte[] sigs = CopySigning.signatures(sealed.plan(), sealed.header(), new byte[0]);
    return sigs.length == 0 ? sealed.header() : CopySigning.concat(sigs, sealed.header());
  }

  private static long weight(PreparedMessage m) {
    return m.wire().length + (m.personal() == null ? 0 : m.personal().tail().length);
  }

  private static boolean hasHighBit(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] < 0) {
        return true;
      }
    }
    return false;
  }
}
