package org.fanmail.list;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;
import org.fanmail.mail.LinkTokens;

/**
 * Creates, reads, changes and removes mailing lists; every public method is one transaction.
 *
 * <p>Invariants kept here: a list address is a valid {@link EmailAddress}, stored lowercased,
 * without {@code +}, with a local part of at most {@link #MAX_LOCAL_PART} octets and without a
 * reserved sub-address suffix in it (those name the list's own {@code -request}, {@code
 * -bounces}... addresses); text settings respect {@link TextRules}; owners are valid addresses,
 * deduplicated case-insensitively. Breaking a rule throws {@link InvalidInputException} or {@link
 * InvalidAddressException}; an existing address {@link DuplicateException}, also when two creates
 * race (the unique constraint decides).
 */
@ApplicationScoped
public class ListService {
  /** Local-part suffixes of the sub-addresses every list answers (see SPEC, SMTP front end). */
  public static final List<String> RESERVED_SUFFIXES =
      List.of("-request", "-join", "-leave", "-owner", "-bounces", "-confirm");

  /**
   * Longest list local part: its confirmation address {@code list-confirm+TOKEN} must stay within
   * the 64 octets RFC 5321 allows a local part, and spends 9 on {@code -confirm+} and {@link
   * LinkTokens#COMPACT_BUDGET_CHARS} on the token.
   */
  public static final int MAX_LOCAL_PART =
      64 - "-confirm+".length() - LinkTokens.COMPACT_BUDGET_CHARS;

  private final EntityManager em;

  public ListService(EntityManager em) {
    this.em = em;
  }

  /** Creates the list {@code address} with {@code settings} (defaults where not given). */
  @Transactional
  public ListOverview create(String address, ListChanges settings) {
    EmailAddress parsed = parseListAddress(address);
    String canonical = parsed.key();
    if (findEntity(canonical).isPresent()) {
      throw new DuplicateException("list " + canonical + " already exists");
    }
    MailingList list = new MailingList();
    list.address = canonical;
    list.localPart = parsed.local().toLowerCase(Locale.ROOT);
    list.domain = parsed.domain();
    list.name = parsed.local();
    apply(list, settings);
    em.persist(list);
    flush("list " + canonical + " already exists");
    return new ListOverview(list, 0);
  }

  /** The list {@code address} (case-insensitive) with its member count. */
  @Transactional
  public ListOverview get(String address) {
    MailingList list = require(address);
    return new ListOverview(list, memberCounts(List.of(list.id)).getOrDefault(list.id, 0L));
  }

  /** The list's id, for callers that go on with plain JDBC. */
  @Transactional
  public long idOf(String address) {
    return require(address).id;
  }

  /** One page of all lists in id order. */
  @Transactional
  public Page<ListOverview> page(int page, int size) {
    long total = em.createQuery("select count(l) from MailingList l", Long.class).getSingleResult();
    long offset = (long) page * size;
    if (offset >= total) {
      return new Page<>(List.of(), total, page, size);
    }
    List<MailingList> lists =
        em.createQuery("select l from MailingList l order by l.id", MailingList.class)
            .setFirstResult((int) offset)
            .setMaxResults(size)
            .getResultList();
    Map<Long, Long> counts = memberCounts(lists.stream().map(l -> l.id).toList());
    List<ListOverview> items = new ArrayList<>(lists.size());
    for (MailingList l : lists) {
      items.add(new ListOverview(l, counts.getOrDefault(l.id, 0L)));
    }
    return new Page<>(items, total, page, size);
  }

  /** Changes the settings given in {@code changes}; the address itself never changes. */
  @Transactional
  public ListOverview update(String address, ListChanges changes) {
    MailingList list = require(address);
    apply(list, changes);
    flush("conflicting change to list " + list.address);
    return new ListOverview(list, memberCounts(List.of(list.id)).getOrDefault(list.id, 0L));
  }

  /**
   * Removes the list; its members go with it (the trigger {@code mailing_list_delete_members},
   * migration V17, in the same statement).
   */
  @Transactional
  public void delete(String address) {
    MailingList list = require(address);
    em.createQuery("delete from MailingList l where l.id = :id")
        .setParameter("id", list.id)
        .executeUpdate();
  }

  /**
   * The list {@code address} or {@link UnknownListException}. A string that is no address at all
   * cannot name a list, so it is unknown too.
   */
  MailingList require(String address) {
    return findEntity(canonicalOrNull(address))
        .orElseThrow(() -> new UnknownListException(address));
  }

  private Optional<MailingList> findEntity(String canonical) {
    if (canonical == null) {
      return Optional.empty();
    }
    return em.createQuery("select l from MailingList l where l.address = :a", MailingList.class)
        .setParameter("a", canonical)
        .getResultStream()
        .findFirst();
  }

  private static String canonicalOrNull(String address) {
    try {
      return EmailAddress.parse(address).key();
    } catch (InvalidAddressException e) {
      return null;
    }
  }

  private Map<Long, Long> memberCounts(List<Long> listIds) {
    Map<Long, Long> counts = new HashMap<>();
    if (listIds.isEmpty()) {
      return counts;
    }
    List<Object[]> rows =
        em.createQuery(
                "select m.listId, count(m) from Member m where m.listId in :ids group by m.listId",
                Object[].class)
            .setParameter("ids", listIds)
            .getResultList();
    for (Object[] row : rows) {
      counts.put((Long) row[0], (Long) row[1]);
    }
    return counts;
  }

  static EmailAddress parseListAddress(String address) {
    if (address == null || address.isBlank()) {
      throw new InvalidInputException("address is required");
    }
    EmailAddress parsed;
    try {
      parsed = EmailAddress.parse(address.strip());
    } catch (InvalidAddressException e) {
      throw new InvalidAddressException("address '" + address + "': " + e.getMessage());
    }
    String local = parsed.local().toLowerCase(Locale.ROOT);
    if (local.startsWith("\"")) {
      throw new InvalidInputException("a list address cannot have a quoted local part");
    }
    if (local.contains("+")) {
      throw new InvalidInputException(
          "a list address cannot contain '+': it separates sub-address arguments");
    }
    if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
      throw new InvalidInputException(
          "a list address's local part is limited to "
              + MAX_LOCAL_PART
              + " characters, so that its confirmation addresses (list-confirm+TOKEN) stay within"
              + " the 64 octets of RFC 5321");
    }
    for (String suffix : RESERVED_SUFFIXES) {
      if (local.endsWith(suffix)) {
        throw new InvalidInputException(
            "a list address cannot end in '"
                + suffix
                + "': reserved for the list's own sub-addresses "
                + String.join(" ", RESERVED_SUFFIXES));
      }
    }
    return parsed;
  }

  private static void apply(MailingList list, ListChanges c) {
    if (c == null) {
      return;
    }
    if (c.name() != null) {
      if (c.name().isBlank()) {
        throw new InvalidInputException("name must not be blank");
      }
      list.name = TextRules.singleLine("name", c.name(), TextRules.MAX_NAME);
    }
    if (c.description() != null) {
      list.description =
          TextRules.multiLine("description", c.description(), TextRules.MAX_DESCRIPTION);
    }
    if (c.postingPolicy() != null) {
      list.postingPolicy = c.postingPolicy();
    }
    if (c.nonMemberAction() != null) {
      list.nonMemberAction = c.nonMemberAction();
    }
    if (c.subjectPrefix() != null) {
      list.subjectPrefix =
          c.subjectPrefix()
              .map(p -> TextRules.singleLine("subjectPrefix", p, TextRules.MAX_SUBJECT_PREFIX))
              .filter(p -> !p.isEmpty())
              .orElse(null);
    }
    if (c.replyTo() != null) {
      list.replyTo = c.replyTo();
    }
    if (c.maxMessageSize() != null) {
      Long size = c.maxMessageSize().orElse(null);
      if (size != null && size <= 0) {
        throw new InvalidInputException("maxMessageSize must be a positive number of octets");
      }
      list.maxMessageSize = size;
    }
    if (c.personalize() != null) {
      list.personalize = c.personalize();
    }
    if (c.owners() != null) {
      list.owners = canonicalOwners(c.owners());
    }
    if (c.subscriptionPolicy() != null) {
      list.subscriptionPolicy = c.subscriptionPolicy();
    }
    if (c.unsubscriptionPolicy() != null) {
      list.unsubscriptionPolicy = c.unsubscriptionPolicy();
    }
    if (c.dmarcMitigation() != null) {
      list.dmarcMitigation = c.dmarcMitigation();
    }
    if (c.dmarcMitigateAlways() != null) {
      list.dmarcMitigateAlways = c.dmarcMitigateAlways();
    }
    if (c.memberAuth() != null) {
      list.memberAuth = c.memberAuth();
    }
    if (c.archive() != null) {
      list.archive = c.archive();
    }
    if (c.advertised() != null) {
      list.advertised = c.advertised();
    }
    DigestSettings d = c.digest();
    if (d != null) {
      if (d.enabled() != null) {
        list.digestEnabled = d.enabled();
      }
      if (d.schedule() != null) {
        list.digestSchedule = DigestSettings.checkedSchedule(d.schedule());
      }
      if (d.sizeThresholdKb() != null) {
        list.digestSizeThresholdKb = DigestSettings.checkedThreshold(d.sizeThresholdKb());
      }
      if (d.maxPosts() != null) {
        list.digestMaxPosts = DigestSettings.checkedMaxPosts(d.maxPosts());
      }
    }
    if (c.clearDigestMaxPosts()) {
      list.digestMaxPosts = null;
    }
  }

  private static String[] canonicalOwners(List<String> owners) {
    if (owners.size() > TextRules.MAX_OWNERS) {
      throw new InvalidInputException(
          "owners has " + owners.size() + " entries; at most " + TextRules.MAX_OWNERS);
    }
    Map<String, String> byKey = new LinkedHashMap<>();
    for (int i = 0; i < owners.size(); i++) {
      String owner = owners.get(i);
      if (owner == null) {
        throw new InvalidInputException("owners[" + i + "] is null");
      }
      try {
        EmailAddress a = EmailAddress.parse(owner.strip());
        byKey.putIfAbsent(a.key(), a.toString());
      } catch (InvalidAddressException e) {
        throw new InvalidAddressException("owners[" + i + "]: " + e.getMessage());
      }
    }
    return byKey.values().toArray(String[]::new);
  }

  private void flush(String conflictMessage) {
    try {
      em.flush();
    } catch (PersistenceException e) {
      throw ConstraintFailures.translate(e, conflictMessage);
    }
  }
}
