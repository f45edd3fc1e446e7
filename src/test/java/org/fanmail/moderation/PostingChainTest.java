package org.fanmail.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.fanmail.list.ListLookup.ListInfo;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.moderation.PostingChain.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chain as a table: list policy, sender, headers → action and the rules that hit. */
class PostingChainTest {
  private final PostingChain chain = new PostingChain();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // case                    | policy    | nonMember | sender                | member
        // role/status | headers                              | size | action  | hits
        "open, anyone              | OPEN      | HOLD      | x@e.example           | -                  | -                                    | 10   | ACCEPT  | -",
        "members, member           | MEMBERS   | HOLD      | m@e.example           | MEMBER/ACTIVE      | -                                    | 10   | ACCEPT  | -",
        "members, non-member hold  | MEMBERS   | HOLD      | x@e.example           | -                  | -                                    | 10   | HOLD    | non-member",
        "members, non-member rej   | MEMBERS   | REJECT    | x@e.example           | -                  | -                                    | 10   | REJECT  | non-member",
        "members, disabled member  | MEMBERS   | HOLD      | m@e.example           | MEMBER/DISABLED_BY_BOUNCE | -                             | 10   | HOLD    | non-member",
        "members, member via From  | MEMBERS   | REJECT    | other@e.example       | -                  | From: M <m@e.example>                | 10   | ACCEPT  | -",
        "moderated                 | MODERATED | HOLD      | m@e.example           | MEMBER/ACTIVE      | -                                    | 10   | HOLD    | moderated",
        "announce, member          | ANNOUNCE  | HOLD      | m@e.example           | MEMBER/ACTIVE      | -                                    | 10   | REJECT  | announce",
        "announce, moderator       | ANNOUNCE  | HOLD      | m@e.example           | MODERATOR/ACTIVE   | -                                    | 10   | ACCEPT  | -",
        "announce, listed owner    | ANNOUNCE  | HOLD      | Boss@e.example        | -                  | -                                    | 10   | ACCEPT  | -",
        "loop by List-Id           | OPEN      | HOLD      | x@e.example           | -                  | List-Id: Team <team.l.example>       | 10   | DISCARD | loop",
        "loop by X-Loop            | OPEN      | HOLD      | x@e.example           | -                  | X-Loop: TEAM@l.example               | 10   | DISCARD | loop",
        "other list's List-Id      | OPEN      | HOLD      | x@e.example           | -                  | List-Id: <other.l.example>           | 10   | ACCEPT  | -",
        "auto-replied              | OPEN      | HOLD      | x@e.example           | -                  | Auto-Submitted: auto-replied         | 10   | DISCARD | auto-reply",
        "Auto-Submitted: no        | OPEN      | HOLD      | x@e.example           | -                  | Auto-Submitted: No                   | 10   | ACCEPT  | -",
        "null sender               | OPEN      | HOLD      | -                     | -                  | -                                    | 10   | DISCARD | auto-reply",
        "too big for the list      | OPEN      | HOLD      | x@e.example           | -                  | -                                    | 5000 | REJECT  | size",
        "loop wins, all recorded   | MODERATED | HOLD      | -                     | -                  | X-Loop: team@l.example               | 5000 | DISCARD | loop;auto-reply;size;moderated",
      })
  void decides(
      String name,
      String policy,
      String nonMember,
      String sender,
      String member,
      String header,
      long size,
      Action action,
      String hits)
      throws IOException {
    ListInfo list =
        new ListInfo(
            1,
            "team@l.example",
            "team",
            "l.example",
            "Team",
            policy,
            nonMember,
            1000L,
            List.of("boss@e.example"));
    Optional<MemberInfo> m =
        member == null
            ? Optional.empty()
            : Optional.of(
                new MemberInfo(7, sender, member.split("/")[0], member.split("/")[1], "REGULAR"));
    String raw = (header == null ? "" : header + "\r\n") + "Subject: s\r\n\r\nbody";
    MessageHeaders h =
        MessageHeaders.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    String from = h.first("From").flatMap(MessageHeaders::addressOf).orElse(null);
    Optional<MemberInfo> fromMember =
        "m@e.example".equals(from)
            ? Optional.of(new MemberInfo(8, from, "MEMBER", "ACTIVE", "REGULAR"))
            : Optional.empty();
    PostingChain.Decision d =
        chain.decide(
            new PostingContext(
                list, sender == null ? null : sender.toLowerCase(), from, h, size, m, fromMember));
    assertEquals(action, d.action(), name + ": " + d);
    assertEquals(hits == null ? List.of() : List.of(hits.split(";")), d.ruleHits(), name);
  }
}
