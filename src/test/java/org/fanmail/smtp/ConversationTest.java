package org.fanmail.smtp;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every plain-transport conversation fixture ({@code conversations/*.txt}) against the running
 * application over a real socket and the real database: banner, EHLO keywords, sequence and syntax
 * errors, the relay matrix, smuggling variants, size and line limits, pipelining, BDAT, VRFY/EXPN,
 * posting rules, the error cap and garbage input.
 */
@QuarkusTest
class ConversationTest {
  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;

  static List<Path> fixtures() throws Exception {
    return ConversationScript.fixtures("");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void conversation(Path fixture) throws Exception {
    new ConversationScript(fixture, server.port(), new TestMail(dataSource)).run();
  }
}
