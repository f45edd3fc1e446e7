package org.fanmail.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The tags of a DKIM-Signature or ARC-Message-Signature field, checked for what both need (RFC 6376
 * §3.5, RFC 8617 §4.1.2): algorithm, domain, selector, signed field names, canonicalization, body
 * hash, signature, optional body length and times. A field that cannot be read throws {@link
 * TagList.Malformed} with the reason; an algorithm fanmail does not take leaves {@code algorithm}
 * null (a NEUTRAL result, not an error: RFC 8301 sha1 signatures and future ones).
 */
record SignatureTags(
    TagList tags,
    SigningAlgorithm algorithm,
    String algorithmName,
    String domain,
    String selector,
    List<String> signedFields,
    Canonicalization headerCanon,
    Canonicalization bodyCanon,
    byte[] bodyHash,
    byte[] signature,
    Long length,
    Long timestamp,
    Long expiry) {

  /** Bounds the h= list: real signatures name a few dozen fields. */
  static final int MAX_SIGNED_FIELDS = 200;

  static SignatureTags parse(String value) throws TagList.Malformed {
    TagList tags = TagList.parse(value);
    String a = tags.require("a");
    String d = tags.require("d").toLowerCase(Locale.ROOT);
    String s = tags.require("s");
    String h = tags.require("h");
    String bh = tags.require("bh");
    String b = tags.require("b");
    if (d.isEmpty() || s.isEmpty()) {
      throw new TagList.Malformed("empty d= or s=");
    }
    List<String> names = new ArrayList<>();
    for (String n : h.split(":", -1)) {
      String name = TagList.compact(n);
      if (name.isEmpty()) {
        throw new TagList.Malformed("empty name in h=");
      }
      names.add(name);
    }
    if (names.size() > MAX_SIGNED_FIELDS) {
      throw new TagList.Malformed("h= lists too many fields");
    }
    String c = tags.get("c").orElse("simple/simple");
    int slash = c.indexOf('/');
    Canonicalization hc;
    Canonicalization bc;
    try {
      hc = Canonicalization.of(slash < 0 ? c : c.substring(0, slash));
      bc = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.of(c.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new TagList.Malformed("bad c=");
    }
    return new SignatureTags(
        tags,
        SigningAlgorithm.ofTag(a),
        a,
        d,
        s,
        List.copyOf(names),
        hc,
        bc,
        base64(bh, "bh"),
        base64(b, "b"),
        number(tags, "l"),
        number(tags, "t"),
        number(tags, "x"));
  }

  private static byte[] base64(String v, String tag) throws TagList.Malformed {
    try {
      return Base64.getDecoder().decode(TagList.compact(v));
    } catch (IllegalArgumentException e) {
      throw new TagList.Malformed(tag + "= is not base64");
    }
  }

  private static Long number(TagList tags, String tag) throws TagList.Malformed {
    String v = tags.get(tag).orElse(null);
    if (v == null) {
      return null;
    }
    // At most 12 digits: RFC 6376 allows implementations to stop there, and it bounds the parse.
    if (!v.matches("[0-9]{1,12}")) {
      throw new TagList.Malformed("bad " + tag + "=");
    }
    return Long.parseLong(v);
  }

  /** True when {@code h=} names {@code field} (case-insensitive). */
  boolean signs(String field) {
    return signedFields.stream().anyMatch(n -> n.equalsIgnoreCase(field));
  }
}
