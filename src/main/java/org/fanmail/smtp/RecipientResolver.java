package org.fanmail.smtp;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fanmail.list.ListLookup;
import org.fanmail.list.ListLookup.ListInfo;
import org.fanmail.mail.EmailAddress;
import org.fanmail.queue.PostPurpose;

/**
 * Decides whether an RCPT address is ours: the address of an existing list or one of its
 * sub-addresses ({@code -request -join -leave -owner -bounces -bounces+x -confirm+TOKEN}), compared
 * case-insensitively. Anything else is refused, which is what keeps fanmail from ever relaying:
 * there is no other way in.
 *
 * <p>{@link #candidates} is pure; {@link #resolve} asks the database (blocking, worker threads
 * only) and lets {@link SQLException} through for a 451.
 */
@ApplicationScoped
public class RecipientResolver {

  /** A possible reading of an address: list address, purpose, argument. */
  public record Candidate(String listAddress, PostPurpose purpose, String arg) {}

  /** A sub-address suffix and the purpose of the mail sent to it. */
  private record Suffix(String suffix, PostPurpose purpose) {}

  private static final List<Suffix> SUFFIXES =
      List.of(
          new Suffix("-request", PostPurpose.REQUEST),
          new Suffix("-join", PostPurpose.JOIN),
          new Suffix("-leave", PostPurpose.LEAVE),
          new Suffix("-owner", PostPurpose.OWNER),
          new Suffix("-bounces", PostPurpose.BOUNCES));

  private final ListLookup lookup;

  public RecipientResolver(ListLookup lookup) {
    this.lookup = lookup;
  }

  /** The readings of {@code address}, most specific (the list address itself) first. */
  public static List<Candidate> candidates(EmailAddress address) {
    String local = address.local();
    String lower = local.toLowerCase(Locale.ROOT);
    String domain = address.domain().toLowerCase(Locale.ROOT);
    List<Candidate> out = new ArrayList<>();
    out.add(new Candidate(lower + "@" + domain, PostPurpose.POST, null));
    for (Suffix s : SUFFIXES) {
      String tail = s.suffix();
      if (lower.endsWith(tail) && lower.length() > tail.length()) {
        out.add(
            new Candidate(
                lower.substring(0, lower.length() - tail.length()) + "@" + domain,
                s.purpose(),
                null));
      }
    }
    plus(out, local, lower, domain, "-bounces+", PostPurpose.BOUNCES);
    plus(out, local, lower, domain, "-confirm+", PostPurpose.CONFIRM);
    return out;
  }

  private static void plus(
      List<Candidate> out,
      String local,
      String lower,
      String domain,
      String tag,
      PostPurpose purpose) {
    int i = lower.indexOf(tag);
    if (i > 0 && i + tag.length() < lower.length()) {
      out.add(
          new Candidate(
              lower.substring(0, i) + "@" + domain, purpose, local.substring(i + tag.length())));
    }
  }

  /** The list recipient {@code address} stands for, if any. */
  public Optional<ListRecipient> resolve(EmailAddress address) throws SQLException {
    return resolve(address, null);
  }

  /**
   * The list recipient {@code address} stands for, if any, with {@code sender}'s membership of the
   * list read in the same statement when {@code sender} is not null (the reverse path).
   */
  public Optional<ListRecipient> resolve(EmailAddress address, String sender) throws SQLException {
    for (Candidate c : candidates(address)) {
      Optional<ListLookup.ListWithMember> found =
          sender == null
              ? lookup.findList(c.listAddress()).map(l -> new ListLookup.ListWithMember(l, null))
              : lookup.findListWithMember(c.listAddress(), sender);
      if (found.isPresent()) {
        return Optional.of(
            new ListRecipient(
                found.get().list(),
                c.purpose(),
                c.arg(),
                address.toString(),
                found.get().member()));
      }
    }
    return Optional.empty();
  }

  /** The list whose address is exactly {@code address} (for VRFY). */
  public Optional<ListInfo> list(String address) throws SQLException {
    return lookup.findList(address);
  }
}
