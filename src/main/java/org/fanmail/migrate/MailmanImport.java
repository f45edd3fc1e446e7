package org.fanmail.migrate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.list.ImportReport;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.list.MemberImport;

/**
 * Imports what Mailman 3 exports of a list, as JSON: either an array of member entries, or an
 * object {@code {"list": <the list's config>, "members": <entries>}} (both optional; {@code
 * members} an array or the REST API's collection {@code {"entries": [...], ...}}). The members are
 * streamed entry by entry into {@link MemberImport} (its bounds, batches and one transaction); the
 * settings, mapped by {@link MailmanListSettings}, are applied first through {@link
 * ListService#update} in a transaction of their own, so {@code list} must come before {@code
 * members}: a refused setting then stops the request before any member is read. Must not be called
 * inside a transaction (as {@link MemberImport#run}).
 */
@ApplicationScoped
public class MailmanImport {
  private final ListService lists;
  private final MemberImport memberImport;

  public MailmanImport(ListService lists, MemberImport memberImport) {
    this.lists = lists;
    this.memberImport = memberImport;
  }

  /** Reads the whole document from {@code parser} and imports it into list {@code address}. */
  public MigrationReport importJson(String address, JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == JsonToken.START_ARRAY) {
      return MigrationReport.of(members(address, parser, () -> end(parser)), "members.");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new InvalidInputException(
          "a Mailman import is a JSON array of member entries or an object"
              + " {\"list\": {...}, \"members\": [...]}");
    }
    MailmanListSettings.Mapped settings = null;
    ImportReport members = null;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String field = parser.currentName();
      parser.nextToken();
      if ("list".equals(field) && settings == null) {
        settings = MailmanListSettings.map(JsonFieldRecords.TREES.readTree(parser));
        lists.update(address, settings.changes());
      } else if ("members".equals(field)) {
        // Reads the rest of the document too, inside the members' transaction.
        members = membersField(address, parser);
        break;
      } else if ("list".equals(field)) {
        throw new InvalidInputException("\"list\" is given twice");
      } else {
        throw new InvalidInputException(
            "unknown property '" + field + "': a Mailman import has \"list\" and \"members\"");
      }
    }
    if (members == null) {
      end(parser);
    }
    List<String> ignored = new ArrayList<>();
    List<String> set = List.of();
    if (settings != null) {
      settings.ignored().forEach(f -> ignored.add("list." + f));
      set = settings.settings();
    }
    if (members == null) {
      return new MigrationReport(0, 0, 0, 0, List.of(), 0, ignored, set);
    }
    members.ignored().forEach(f -> ignored.add("members." + f));
    return new MigrationReport(
        members.added(),
        members.updated(),
        members.unchanged(),
        members.skipped(),
        members.invalid(),
        members.invalidTotal(),
        ignored,
        set);
  }

  /**
   * {@code members}: an array, or the REST collection object with its {@code entries}; the last
   * property of the document, so the settings are applied before any member is read.
   */
  private ImportReport membersField(String address, JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.START_ARRAY) {
      return members(address, parser, () -> closeDocument(parser));
    }
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidInputException("members must be an array or {\"entries\": [...]}");
    }
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String field = parser.currentName();
      parser.nextToken();
      if ("entries".equals(field)) {
        return members(address, parser, () -> closeCollection(parser));
      }
      // The collection's own fields (start, total_size, http_etag) say nothing of members.
      parser.skipChildren();
    }
    closeDocument(parser);
    return memberImport.run(address, MappedRows.mailman(() -> null));
  }

  private ImportReport members(String address, JsonParser parser, JsonFieldRecords.AtEnd atEnd)
      throws IOException {
    return memberImport.run(address, MappedRows.mailman(new JsonFieldRecords(parser, atEnd)));
  }

  /** After {@code entries}: the collection's other fields, then the document's end. */
  private static void closeCollection(JsonParser parser) throws IOException {
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      if (t == null) {
        throw new InvalidInputException("the members object is not closed");
      }
      parser.nextToken();
      parser.skipChildren();
    }
    closeDocument(parser);
  }

  /** After {@code members}: the top object's end, and nothing after it. */
  private static void closeDocument(JsonParser parser) throws IOException {
    JsonToken t = parser.nextToken();
    if (t == JsonToken.FIELD_NAME) {
      throw new InvalidInputException(
          "\"members\" must be the last property: \"list\" comes first, so its settings are"
              + " applied before any member is read");
    }
    if (t != JsonToken.END_OBJECT) {
      throw new InvalidInputException("the JSON object is not closed");
    }
    end(parser);
  }

  private static void end(JsonParser parser) throws IOException {
    if (parser.nextToken() != null) {
      throw new InvalidInputException("unexpected content after the JSON document");
    }
  }
}
