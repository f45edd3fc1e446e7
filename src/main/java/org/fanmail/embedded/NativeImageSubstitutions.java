package org.fanmail.embedded;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import org.eclipse.microprofile.config.Config;

/**
 * Native image only: cuts the embedded PostgreSQL out of the native executable.
 *
 * <p>native-image applies this substitution before its analysis, so {@code
 * FanmailMain.startEmbedded} in a native executable is the body below: nothing reaches {@link
 * EmbeddedDatabase} or zonky (which the native build does not even package), and a native start
 * without a datasource stops with a message instead. A JVM never loads this class; the annotations
 * come from {@code org.graalvm.sdk:nativeimage} ({@code provided}).
 */
final class NativeImageSubstitutions {
  static final String NO_DATASOURCE =
      "fanmail: no datasource configured: set QUARKUS_DATASOURCE_JDBC_URL (with"
          + " QUARKUS_DATASOURCE_USERNAME, QUARKUS_DATASOURCE_PASSWORD and FANMAIL_ADMIN_TOKEN);"
          + " the embedded PostgreSQL exists only in the JVM build";

  private NativeImageSubstitutions() {}

  /** Replaces {@code FanmailMain.startEmbedded(Config)}: same name, same parameter types. */
  @TargetClass(className = "org.fanmail.FanmailMain")
  static final class Target_org_fanmail_FanmailMain {
    @Substitute
    private static void startEmbedded(Config config) {
      System.err.println(NO_DATASOURCE);
      System.exit(1);
    }
  }
}
