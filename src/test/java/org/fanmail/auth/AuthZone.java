package org.fanmail.auth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.fanout.DmarcDns;
import org.fanmail.testing.Await;
import org.xbill.DNS.Type;

/**
 * The inbound-authentication test zone on a dnsmasq at 127.0.0.1 (names under {@code test} and
 * {@code 127.in-addr.arpa}, everything else NXDOMAIN): SPF records for each mechanism and limit,
 * DMARC records, and whatever DKIM key records a test adds. The client addresses are 127.0.0.2
 * (allowed by the records) and 127.0.0.3 (not). Started and stopped by PID.
 */
public final class AuthZone implements AutoCloseable {
  public static final String GOOD_IP = "127.0.0.2";
  public static final String BAD_IP = "127.0.0.3";

  public final int port;
  public final Path dir;
  private final Process dnsmasq;

  private AuthZone(int port, Path dir, Process dnsmasq) {
    this.port = port;
    this.dir = dir;
    this.dnsmasq = dnsmasq;
  }

  /** The SPF, DMARC and host records every auth test reads. */
  public static List<String> records() {
    List<String> z = new ArrayList<>();
    txt(z, "pass.test", "v=spf1 ip4:127.0.0.2 -all");
    txt(z, "soft.test", "v=spf1 ip4:127.0.0.2 ~all");
    txt(z, "neutral.test", "v=spf1 ?all");
    txt(z, "a.test", "v=spf1 a -all");
    host(z, "a.test", "127.0.0.2");
    txt(z, "acidr.test", "v=spf1 a:host.acidr.test/24 -all");
    host(z, "host.acidr.test", "127.0.0.9");
    txt(z, "mx.test", "v=spf1 mx -all");
    z.add("--mx-host=mx.test,mail.mx.test,10");
    host(z, "mail.mx.test", "127.0.0.2");
    txt(z, "incl.test", "v=spf1 include:pass.test -all");
    txt(z, "redir.test", "v=spf1 redirect=pass.test");
    txt(z, "exists.test", "v=spf1 exists:%{i}.ok.exists.test -all");
    host(z, "127.0.0.2.ok.exists.test", "127.0.0.1");
    txt(z, "macro.test", "v=spf1 exists:%{l}.users.%{d} -all");
    host(z, "alice.users.macro.test", "127.0.0.1");
    txt(z, "ptr.test", "v=spf1 ptr -all");
    z.add("--ptr-record=2.0.0.127.in-addr.arpa,client.ptr.test");
    host(z, "client.ptr.test", "127.0.0.2");
    txt(z, "two.test", "v=spf1 ip4:127.0.0.2 -all");
    txt(z, "two.test", "v=spf1 -all");
    txt(z, "syntax.test", "v=spf1 ip4:127.0.0.2 frob:x.test -all");
    txt(z, "nospf.test", "hello and no SPF here");
    txt(z, "incnone.test", "v=spf1 include:nx-include.test -all");
    StringBuilder ten = new StringBuilder("v=spf1");
    StringBuilder eleven = new StringBuilder("v=spf1");
    for (int i = 1; i <= 11; i++) {
      host(z, "h" + i + ".hosts.test", "127.0.0.99");
      if (i <= 10) {
        ten.append(" a:h").append(i).append(".hosts.test");
      }
      eleven.append(" a:h").append(i).append(".hosts.test");
    }
    txt(z, "ten.test", ten + " -all");
    txt(z, "eleven.test", eleven + " -all");
    txt(z, "void2.test", "v=spf1 a:nx1.test a:nx2.test ip4:127.0.0.2 -all");
    txt(z, "void3.test", "v=spf1 a:nx1.test a:nx2.test a:nx3.test ip4:127.0.0.2 -all");
    // DMARC: pass.test publishes p=reject (relaxed); strict.test asks for strict SPF alignment.
    txt(z, "_dmarc.pass.test", "v=DMARC1; p=reject");
    txt(z, "strict.test", "v=spf1 ip4:127.0.0.2 -all");
    txt(z, "_dmarc.strict.test", "v=DMARC1; p=quarantine; aspf=s");
    txt(z, "_dmarc.soft.test", "v=DMARC1; p=none");
    return z;
  }

  static void txt(List<String> z, String name, String text) {
    z.add("--txt-record=" + name + "," + text);
  }

  static void host(List<String> z, String name, String ip) {
    z.add("--host-record=" + name + "," + ip);
  }

  /** dnsmasq with {@link #records()} and {@code extra}; returns once it answers. */
  public static AuthZone start(List<String> extra) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("fanmail-auth-dns");
    int port = DmarcDns.freePort();
    List<String> zone = new ArrayList<>(records());
    zone.add("--local=/127.in-addr.arpa/");
    zone.add("--log-queries");
    zone.addAll(extra);
    Process p = DmarcDns.start(port, dir, zone);
    AuthZone z = new AuthZone(port, dir, p);
    InboundDns dns = new InboundDns(List.of(new InetSocketAddress("127.0.0.1", port)));
    boolean answers =
        Await.until(
            Duration.ofSeconds(10),
            () ->
                !p.isAlive()
                    || dns.query(
                                "pass.test",
                                Type.TXT,
                                LookupBudget.of(Duration.ofSeconds(1), Duration.ofMillis(200)))
                            .status()
                        == InboundDns.Status.FOUND);
    if (answers && p.isAlive()) {
      return z;
    }
    z.close();
    throw new IllegalStateException("dnsmasq did not answer: " + DmarcDns.output(dir));
  }

  public String server() {
    return "127.0.0.1:" + port;
  }

  public String log() {
    return DmarcDns.log(dir);
  }

  @Override
  public void close() throws InterruptedException {
    DmarcDns.stop(dnsmasq);
  }
}
