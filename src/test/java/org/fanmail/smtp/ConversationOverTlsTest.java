package org.fanmail.smtp;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same conversation fixtures as {@link ConversationTest}, each connection first upgraded with
 * STARTTLS: framing, smuggling defences, limits and replies must not depend on the transport.
 */
@QuarkusTest
@TestProfile(StartTlsProfile.class)
class ConversationOverTlsTest {
  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;

  static List<Path> fixtures() throws Exception {
    return ConversationScript.fixtures("");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void conversation(Path fixture) throws Exception {
    new ConversationScript(fixture, server.port(), new TestMail(dataSource)).overTls().run();
  }
}
