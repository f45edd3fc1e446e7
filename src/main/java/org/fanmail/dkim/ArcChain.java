package org.fanmail.dkim;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Validates the ARC chain a message arrived with (RFC 8617 §5.2) and says what the next ARC-Seal's
 * {@code cv=} must be: NONE without ARC sets, FAIL when the sets are malformed or incomplete, the
 * newest seal already says {@code cv=fail} (validation stops there), a seal's {@code cv=} is not
 * what its place demands, the newest ARC-Message-Signature or any ARC-Seal does not verify, or a
 * key look-up fails (even temporarily: a seal is written once, there is no later try), PASS
 * otherwise. At most {@link #MAX_INSTANCE} sets (RFC 8617 §4.2.1); a chain at the limit can take no
 * further set ({@link Result#sealable}).
 */
public final class ArcChain {
  public static final int MAX_INSTANCE = 50;

  private ArcChain() {}

  /** The {@code cv=} words. */
  public enum Validation {
    NONE,
    PASS,
    FAIL;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A chain's status, the highest instance seen (0 for none) and why it failed (empty otherwise).
   */
  public record Result(Validation validation, int highest, String reason) {
    /** Whether a further set may be added (the instance limit is not reached). */
    public boolean sealable() {
      return highest < MAX_INSTANCE;
    }
  }

  /** One instance's three fields (any may be missing in a broken chain). */
  private static final class Set {
    MessageFields.Field aar;
    MessageFields.Field ams;
    MessageFields.Field seal;
    TagList sealTags;
  }

  /** Validates the chain of {@code rawMessage} (the message as it arrived); never throws. */
  public static Result validate(byte[] rawMessage, TxtLookup dns, Clock clock) {
    try {
      return validate(MessageFields.of(rawMessage), dns, clock);
    } catch (RuntimeException e) {
      return new Result(Validation.FAIL, 0, "validator error: " + e.getClass().getSimpleName());
    }
  }

  static Result validate(MessageFields message, TxtLookup dns, Clock clock) {
    Set[] sets = new Set[MAX_INSTANCE + 1];
    int highest = 0;
    boolean any = false;
    String broken = null;
    for (MessageFields.Field f : message.fields()) {
      String kind = f.lowerName();
      if (!kind.equals("arc-seal")
          && !kind.equals("arc-message-signature")
          && !kind.equals("arc-authentication-results")) {
        continue;
      }
      any = true;
      int i = instanceOf(f);
      if (i < 1 || i > MAX_INSTANCE) {
        broken = "bad or missing i= in " + f.name();
        continue;
      }
      highest = Math.max(highest, i);
      Set s = sets[i] == null ? (sets[i] = new Set()) : sets[i];
      boolean duplicate;
      if (kind.equals("arc-seal")) {
        duplicate = s.seal != null;
        s.seal = f;
      } else if (kind.equals("arc-message-signature")) {
        duplicate = s.ams != null;
        s.ams = f;
      } else {
        duplicate = s.aar != null;
        s.aar = f;
      }
      if (duplicate) {
        broken = "two " + f.name() + " fields for i=" + i;
      }
    }
    if (!any) {
      return new Result(Validation.NONE, 0, "");
    }
    if (broken != null) {
      return new Result(Validation.FAIL, highest, broken);
    }
    for (int i = 1; i <= highest; i++) {
      Set s = sets[i];
      if (s == null || s.seal == null || s.ams == null || s.aar == null) {
        return new Result(Validation.FAIL, highest, "ARC set " + i + " is incomplete");
      }
      try {
        s.sealTags = TagList.parse(s.seal.value());
      } catch (TagList.Malformed e) {
        return new Result(Validation.FAIL, highest, "ARC-Seal i=" + i + ": " + e.getMessage());
      }
    }
    String newestCv = sets[highest].sealTags.get("cv").orElse("");
    if (newestCv.equalsIgnoreCase("fail")) {
      return new Result(Validation.FAIL, highest, "the chain failed before us");
    }
    for (int i = 1; i <= highest; i++) {
      String cv = sets[i].sealTags.get("cv").orElse("");
      if (!cv.equalsIgnoreCase(i == 1 ? "none" : "pass")) {
        return new Result(Validation.FAIL, highest, "ARC-Seal i=" + i + " has cv=" + cv);
      }
    }
    SignatureCheck check = new SignatureCheck(message, dns, clock);
    String amsProblem = messageSignatureProblem(check, sets[highest].ams);
    if (amsProblem != null) {
      return new Result(
          Validation.FAIL, highest, "ARC-Message-Signature i=" + highest + ": " + amsProblem);
    }
    for (int i = highest; i >= 1; i--) {
      String problem = sealProblem(check, sets, i);
      if (problem != null) {
        return new Result(Validation.FAIL, highest, "ARC-Seal i=" + i + ": " + problem);
      }
    }
    return new Result(Validation.PASS, highest, "");
  }

  private static String messageSignatureProblem(SignatureCheck check, MessageFields.Field ams) {
    SignatureTags sig;
    try {
      sig = SignatureTags.parse(ams.value());
    } catch (TagList.Malformed e) {
      return e.getMessage();
    }
    DkimResult r = check.verify(ams, sig, sig.domain());
    return r.status() == DkimResult.Status.PASS ? null : r.status() + " " + r.reason();
  }

  /** Why the seal of instance {@code i} does not verify, or null when it does. */
  private static String sealProblem(SignatureCheck check, Set[] sets, int i) {
    TagList tags = sets[i].sealTags;
    if (tags.has("h")) {
      return "h= is not allowed in an ARC-Seal";
    }
    SigningAlgorithm alg = SigningAlgorithm.ofTag(tags.get("a").orElse(""));
    String d = tags.get("d").orElse("").toLowerCase(Locale.ROOT);
    String s = tags.get("s").orElse("");
    String b = TagList.compact(tags.get("b").orElse(""));
    if (alg == null || d.isEmpty() || s.isEmpty() || b.isEmpty()) {
      return "missing or unsupported a=, d=, s= or b=";
    }
    SignatureCheck.KeyAnswer key = check.key(s, d, alg);
    if (key.record() == null) {
      return key.status() + " " + key.reason();
    }
    List<MessageFields.Field> covered = new ArrayList<>();
    for (int k = 1; k <= i; k++) {
      covered.add(sets[k].aar);
      covered.add(sets[k].ams);
      if (k < i) {
        covered.add(sets[k].seal);
      }
    }
    byte[] data = SignedData.of(Canonicalization.RELAXED, covered, sets[i].seal.raw());
    try {
      byte[] sig = java.util.Base64.getDecoder().decode(b);
      return alg.verify(key.record().key(), data, sig) ? null : "signature did not verify";
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return "signature did not verify";
    }
  }

  /** The {@code i=} of an ARC field, or -1 when it has none that can be read. */
  static int instanceOf(MessageFields.Field f) {
    String value = f.value();
    String text;
    if (f.is("ARC-Authentication-Results")) {
      // Only the i= tag is a tag list here; the rest is an Authentication-Results payload.
      int semi = value.indexOf(';');
      text = semi < 0 ? value : value.substring(0, semi);
    } else {
      text = value;
    }
    for (String spec : text.split(";")) {
      int eq = spec.indexOf('=');
      if (eq > 0 && spec.substring(0, eq).strip().equals("i")) {
        String v = TagList.compact(spec.substring(eq + 1));
        return v.matches("[0-9]{1,3}") ? Integer.parseInt(v) : -1;
      }
    }
    return -1;
  }
}
