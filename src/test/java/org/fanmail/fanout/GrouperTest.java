package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.fanmail.config.DeliveryConfig.GroupBy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The group key, as a table: domain, hosts (preferred count), group-by, expected key. */
class GrouperTest {

  private static Destination dest(String hosts, int preferred) {
    if (hosts.equals("PERMANENT")) {
      return Destination.permanent("5.1.2 no such domain");
    }
    if (hosts.equals("TEMPORARY")) {
      return Destination.temporary("4.4.3 servfail");
    }
    List<HostPort> list =
        java.util.Arrays.stream(hosts.split(" ")).map(h -> HostPort.parse(h, 25)).toList();
    return new Destination(Destination.Outcome.ROUTABLE, list, preferred, null);
  }

  @ParameterizedTest(name = "{0} via [{1}] by {3} -> {4}")
  @CsvSource({
    // domain,        hosts,                                preferred, groupBy, key
    "example.org,     mx1.example.net:25 mx2.example.net:25, 1,      host,    mx1.example.net:25",
    "example.com,     mx1.example.net:25,                    1,      host,    mx1.example.net:25",
    "Example.COM,     MX1.Example.NET:25,                    1,      host,    mx1.example.net:25",
    "example.org,     mx1.example.net:25 mx2.example.net:25, 1,      domain,  example.org",
    "example.org,     mx9.example.net:25 mx1.example.net:25, 2,      host,    mx1.example.net:25",
    "example.org,     mx9.example.net:25 mx1.example.net:25, 1,      host,    mx9.example.net:25",
    "example.org,     [127.0.1.1]:2525,                      1,      host,    127.0.1.1:2525",
    "example.org,     relay.example.net:587,                 1,      host,    relay.example.net:587",
    "example.org,     relay.example.net:587,                 1,      domain,  example.org",
    "gone.example,    PERMANENT,                             0,      host,    gone.example",
    "flaky.example,   TEMPORARY,                             0,      host,    flaky.example",
  })
  void groupKey(String domain, String hosts, int preferred, GroupBy by, String expected) {
    assertEquals(expected, Grouper.groupKey(domain, dest(hosts, preferred), by));
  }
}
