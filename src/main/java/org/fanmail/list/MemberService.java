package org.fanmail.list;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;

/**
 * Adds, reads, searches, changes and removes single members of a list; every public method is one
 * transaction. Bulk work goes through {@link MemberImport} and {@link MemberExport} instead.
 *
 * <p>A member's address is stored in {@link EmailAddress} canonical form and found
 * case-insensitively through the database's {@code email_key = lower(email)}, the same key the
 * unique constraint uses, so look-ups and duplicate detection can never disagree. A duplicate
 * throws {@link DuplicateException}; an unknown list or member the matching {@link
 * UnknownEntityException}.
 */
@ApplicationScoped
public class MemberService {
  /** LIKE escape character; chosen because it is rare in addresses and names. */
  private static final char LIKE_ESCAPE = '!';

  private final EntityManager em;
  private final ListService lists;

  public MemberService(EntityManager em, ListService lists) {
    this.em = em;
    this.lists = lists;
  }

  /** Adds {@code email} to the list with {@code settings} (defaults where not given). */
  @Transactional
  public Member add(String listAddress, String email, MemberChanges settings) {
    MailingList list = lists.require(listAddress);
    if (email == null || email.isBlank()) {
      throw new InvalidInputException("email is required");
    }
    EmailAddress address;
    try {
      address = EmailAddress.parse(email.strip());
    } catch (InvalidAddressException e) {
      throw new InvalidAddressException("email '" + email + "': " + e.getMessage());
    }
    String conflict = "list " + list.address + " already has member " + address;
    if (find(list.id, address.toString()).isPresent()) {
      throw new DuplicateException(conflict);
    }
    Member m = new Member();
    m.listId = list.id;
    m.email = address.toString();
    m.domain = address.domain();
    apply(m, settings);
    em.persist(m);
    try {
      em.flush();
    } catch (PersistenceException e) {
      throw ConstraintFailures.translate(e, conflict);
    }
    return m;
  }

  /** The member {@code email} (case-insensitive) of the list. */
  @Transactional
  public Member get(String listAddress, String email) {
    MailingList list = lists.require(listAddress);
    return require(list, email);
  }

  /**
   * One page of the list's members in id order; {@code query}, when not blank, keeps the members
   * whose address or name contains it (case-insensitive, LIKE wildcards taken literally).
   */
  @Transactional
  public Page<Member> page(String listAddress, String query, int page, int size) {
    MailingList list = lists.require(listAddress);
    boolean filtered = query != null && !query.isBlank();
    String where =
        " from Member m where m.listId = :list"
            + (filtered
                ? " and (m.emailKey like lower(:q) escape '!' or lower(m.name) like lower(:q)"
                    + " escape '!')"
                : "");
    TypedQuery<Long> count = em.createQuery("select count(m)" + where, Long.class);
    TypedQuery<Member> items = em.createQuery("select m" + where + " order by m.id", Member.class);
    count.setParameter("list", list.id);
    items.setParameter("list", list.id);
    if (filtered) {
      String pattern = "%" + escapeLike(query.strip()) + "%";
      count.setParameter("q", pattern);
      items.setParameter("q", pattern);
    }
    long total = count.getSingleResult();
    long offset = (long) page * size;
    if (offset >= total) {
      return new Page<>(List.of(), total, page, size);
    }
    List<Member> found = items.setFirstResult((int) offset).setMaxResults(size).getResultList();
    return new Page<>(found, total, page, size);
  }

  /** Changes the settings given in {@code changes}; the address never changes. */
  @Transactional
  public Member update(String listAddress, String email, MemberChanges changes) {
    MailingList list = lists.require(listAddress);
    Member m = require(list, email);
    apply(m, changes);
    em.flush();
    return m;
  }

  /** Removes the member. */
  @Transactional
  public void delete(String listAddress, String email) {
    MailingList list = lists.require(listAddress);
    Member m = require(list, email);
    em.remove(m);
  }

  private Member require(MailingList list, String email) {
    return find(list.id, email)
        .orElseThrow(() -> new UnknownMemberException(list.address, String.valueOf(email)));
  }

  private Optional<Member> find(long listId, String email) {
    if (email == null) {
      return Optional.empty();
    }
    String canonical;
    try {
      canonical = EmailAddress.parse(email.strip()).toString();
    } catch (InvalidAddressException e) {
      return Optional.empty();
    }
    return em.createQuery(
            "select m from Member m where m.listId = :list and m.emailKey = lower(:email)",
            Member.class)
        .setParameter("list", listId)
        .setParameter("email", canonical)
        .getResultStream()
        .findFirst();
  }

  static String escapeLike(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
        out.append(LIKE_ESCAPE);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static void apply(Member m, MemberChanges c) {
    if (c == null) {
      return;
    }
    if (c.name() != null) {
      m.name = TextRules.singleLine("name", c.name().strip(), TextRules.MAX_NAME);
    }
    if (c.deliveryMode() != null) {
      m.deliveryMode = c.deliveryMode();
    }
    if (c.role() != null) {
      m.role = c.role();
    }
    if (c.status() != null) {
      m.status = c.status();
    }
    if (c.receiveOwnPosts() != null) {
      m.receiveOwnPosts = c.receiveOwnPosts();
    }
  }
}
