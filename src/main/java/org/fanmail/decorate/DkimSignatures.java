package org.fanmail.decorate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps the poster's DKIM signatures that still verify on the outgoing copy and removes those the
 * decoration broke: a {@code DKIM-Signature} is removed when any field its {@code h=} tag names
 * differs between the original and the outgoing header block. DKIM picks instances of a field from
 * the bottom up (RFC 6376 §5.4.2), so for a name listed k times the last k instances are compared,
 * byte for byte; a field added under a listed name (over-signing) counts as a change. A signature
 * without a readable {@code h=} is removed. The body is never changed by decoration (except in
 * WRAP, where the outer message carries no signature at all), so the body hash is not looked at.
 *
 * <p>Pure; repeats until stable because removing one signature changes a {@code dkim-signature}
 * another one may list.
 */
public final class DkimSignatures {
  private static final int MAX_ROUNDS = 8;

  private DkimSignatures() {}

  /** Removes from {@code out} the signatures of {@code original} its changes invalidate. */
  public static void prune(HeaderBlock original, HeaderBlock out) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      boolean removed = false;
      for (HeaderField sig : out.fields()) {
        if (sig.is("DKIM-Signature") && broken(sig, original, out)) {
          out.remove(sig);
          removed = true;
        }
      }
      if (!removed) {
        return;
      }
    }
  }

  private static boolean broken(HeaderField sig, HeaderBlock original, HeaderBlock out) {
    Map<String, Integer> signed = signedFields(sig.value());
    if (signed.isEmpty()) {
      return true;
    }
    for (Map.Entry<String, Integer> e : signed.entrySet()) {
      if (!sameTail(original, out, e.getKey(), e.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** Names in the {@code h=} tag (lowercased) and how often each is listed; empty if none. */
  static Map<String, Integer> signedFields(String signature) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String tag : signature.split(";")) {
      int eq = tag.indexOf('=');
      if (eq < 0 || !tag.substring(0, eq).strip().equals("h")) {
        continue;
      }
      for (String name : tag.substring(eq + 1).split(":")) {
        String n = name.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
        if (!n.isEmpty()) {
          out.merge(n, 1, Integer::sum);
        }
      }
    }
    return out;
  }

  private static boolean sameTail(HeaderBlock a, HeaderBlock b, String name, int k) {
    List<byte[]> x = tail(a, name, k);
    List<byte[]> y = tail(b, name, k);
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      if (!Arrays.equals(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static List<byte[]> tail(HeaderBlock block, String name, int k) {
    List<byte[]> all = new ArrayList<>();
    for (HeaderField f : block.fields()) {
      if (f.is(name)) {
        all.add(f.raw());
      }
    }
    return all.subList(Math.max(0, all.size() - k), all.size());
  }
}
