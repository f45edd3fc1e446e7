package org.fanmail.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.fanmail.list.DigestSettings;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListChanges;

/**
 * Body of {@code PATCH /api/lists/{address}}: only the properties present change. The raw object
 * tells which properties were sent (and which were sent as JSON {@code null}); {@code values} is
 * the same object read as a {@link CreateListRequest}, so types, enums and unknown properties are
 * checked exactly as on create. {@code null} clears {@code subjectPrefix} and {@code
 * maxMessageSize}, empties {@code description} and {@code owners}, and is refused for the other
 * settings; in {@code digest}, only the properties present change and {@code null} clears {@code
 * maxPosts}. {@code address} cannot change: sending it is a 400.
 */
record ListPatchRequest(JsonNode sent, CreateListRequest values) {

  ListChanges changes() {
    if (sent.has("address")) {
      throw new InvalidInputException("address cannot be changed; create a new list instead");
    }
    return new ListChanges(
        required("name", values.name()),
        sent.has("description") && values.description() == null ? "" : values.description(),
        required("postingPolicy", values.postingPolicy()),
        required("nonMemberAction", values.nonMemberAction()),
        sent.has("subjectPrefix") ? Optional.ofNullable(values.subjectPrefix()) : null,
        required("replyTo", values.replyTo()),
        sent.has("maxMessageSize") ? Optional.ofNullable(values.maxMessageSize()) : null,
        required("personalize", values.personalize()),
        sent.has("owners") && values.owners() == null ? List.of() : values.owners(),
        required("subscriptionPolicy", values.subscriptionPolicy()),
        required("unsubscriptionPolicy", values.unsubscriptionPolicy()),
        required("dmarcMitigation", values.dmarcMitigation()),
        required("dmarcMitigateAlways", values.dmarcMitigateAlways()),
        required("memberAuth", values.memberAuth()),
        digest(),
        sent.path("digest").has("maxPosts") && values.digest().maxPosts() == null,
        required("archive", values.archive()),
        required("advertised", values.advertised()));
  }

  /** The digest settings sent; only {@code maxPosts} may be null (no limit but the built-in). */
  private DigestSettings digest() {
    DigestSettings d = required("digest", values.digest());
    if (d == null) {
      return null;
    }
    JsonNode sentDigest = sent.path("digest");
    for (String field : new String[] {"enabled", "schedule", "sizeThresholdKb"}) {
      if (sentDigest.has(field) && sentDigest.get(field).isNull()) {
        throw new InvalidInputException("digest." + field + " cannot be null");
      }
    }
    return d;
  }

  private <T> T required(String field, T value) {
    if (value == null && sent.has(field)) {
      throw new InvalidInputException(field + " cannot be null");
    }
    return value;
  }
}
