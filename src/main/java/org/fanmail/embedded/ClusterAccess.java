package org.fanmail.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.postgresql.util.PasswordUtil;

/**
 * Who may connect to the embedded PostgreSQL, and as what: password authentication (SCRAM-SHA-256)
 * for every connection, local socket or loopback TCP; the superuser {@value #SUPERUSER} only for
 * this set-up; fanmail itself as {@value #APP_ROLE}, a role that is not a superuser (no {@code COPY
 * ... TO PROGRAM}, no file access) and owns the database {@value #APP_DATABASE}, so Flyway migrates
 * as it. Both passwords come from owner-only files beside the data directory.
 *
 * <p>A data directory is in one of three states. <b>New</b>: initdb has not run yet; it runs with
 * SCRAM and the superuser's password from the start (no trust, not even for a moment). <b>Trust
 * </b>: made by fanmail before password authentication (initdb {@code -A trust}, fanmail as {@code
 * postgres} on database {@code postgres}); it is migrated on its first start: superuser password
 * set over the trust that is already there, pg_hba.conf rewritten and reloaded, database {@code
 * postgres} renamed {@value #APP_DATABASE} and everything in it handed to {@value #APP_ROLE}.
 * <b>Password</b>: pg_hba.conf carries {@link #HBA_MARKER}. Every start then makes sure (each step
 * idempotent, so a start interrupted half-way is finished by the next) that the role exists, is no
 * superuser, has the kept password, and owns the database and its objects. A failure stops start-up
 * with the SQL error.
 */
final class ClusterAccess {
  private static final Logger LOG = Logger.getLogger(ClusterAccess.class);

  static final String SUPERUSER = "postgres";
  static final String APP_ROLE = "fanmail";
  static final String APP_DATABASE = "fanmail";

  /** First line of a pg_hba.conf that this class wrote: its absence means trust (or new). */
  static final String HBA_MARKER = "# fanmail: password authentication only (ClusterAccess)";

  private static final String PG_HBA =
      HBA_MARKER
          + "\n# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
          + "local   all       all                 scram-sha-256\n"
          + "host    all       all   127.0.0.1/32  scram-sha-256\n"
          + "host    all       all   ::1/128       scram-sha-256\n";

  /** The role's attributes, restated on every start so that a role altered by hand is reset. */
  private static final String ROLE_ATTRIBUTES =
      " login nosuperuser nocreatedb nocreaterole noreplication nobypassrls";

  private static final String ROLE_EXISTS = "select 1 from pg_roles where rolname = ?";
  private static final String DATABASE_EXISTS = "select 1 from pg_database where datname = ?";

  /** A trust-era install kept fanmail's tables in database postgres: Flyway's table tells. */
  private static final String HAS_FANMAIL_SCHEMA =
      "select 1 where to_regclass('public.flyway_schema_history') is not null";

  /**
   * Hands what the superuser owns in schema {@code public} to the application role. REASSIGN OWNED
   * BY postgres cannot be used: the bootstrap superuser also owns the system catalogs, and
   * PostgreSQL refuses to reassign those. Sequences of identity or serial columns follow their
   * table (altering them alone is refused), indexes and row types likewise.
   */
  private static final String REASSIGN_PUBLIC =
      """
      do $$
      declare ddl text;
      begin
        for ddl in
          select format('alter %s %s owner to %I',
                 case c.relkind when 'S' then 'sequence' when 'v' then 'view'
                      when 'm' then 'materialized view' when 'f' then 'foreign table'
                      else 'table' end,
                 c.oid::regclass, '{app}')
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relowner = '{superuser}'::regrole
            and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
            and not exists (select 1 from pg_depend d
                            where d.classid = 'pg_class'::regclass and d.objid = c.oid
                              and d.deptype in ('a', 'i'))
        union all
          select format('alter routine %s owner to %I', p.oid::regprocedure, '{app}')
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'public' and p.proowner = '{superuser}'::regrole
        union all
          select format('alter type %s owner to %I', t.oid::regtype, '{app}')
          from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where n.nspname = 'public' and t.typowner = '{superuser}'::regrole
            and t.typtype in ('e', 'd')
        loop
          execute ddl;
        end loop;
      end $$
      """
          .replace("{app}", APP_ROLE)
          .replace("{superuser}", SUPERUSER);

  enum State {
    NEW,
    TRUST,
    PASSWORD
  }

  private ClusterAccess() {}

  static State stateOf(Path dataDir) throws IOException {
    if (!Files.exists(dataDir.resolve("postgresql.conf"))) {
      return State.NEW;
    }
    Path hba = dataDir.resolve("pg_hba.conf");
    boolean ours = Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARKER);
    return ours ? State.PASSWORD : State.TRUST;
  }

  /** Replaces pg_hba.conf by password-only rules (owner-only, as PostgreSQL keeps it). */
  static void writePgHba(Path dataDir) throws IOException {
    SecretFile.write(dataDir.resolve("pg_hba.conf"), PG_HBA.strip());
  }

  /**
   * The trust-era migration's first half, on a server still trusting local connections: sets the
   * superuser's password, then turns pg_hba.conf to passwords and reloads it (the connection
   * already open stays; every later one needs a password).
   */
  static void leaveTrust(String url, Path dataDir, String superuserPassword)
      throws SQLException, IOException {
    LOG.infof(
        "embedded PostgreSQL in %s trusted local connections: switching to passwords", dataDir);
    try (Connection c = DriverManager.getConnection(url + "postgres", SUPERUSER, "")) {
      try (Statement s = c.createStatement()) {
        setPassword(s, SUPERUSER, superuserPassword);
        writePgHba(dataDir);
        s.execute("select pg_reload_conf()");
      }
    }
  }

  /**
   * Makes the application role and its database what they must be (see the class comment), as the
   * superuser over a password-checked connection. {@code url} ends before the database name.
   */
  static void ensureAppRole(String url, String superuserPassword, String appPassword)
      throws SQLException {
    boolean renameLegacy;
    try (Connection c =
            DriverManager.getConnection(url + "postgres", SUPERUSER, superuserPassword);
        Statement s = c.createStatement()) {
      s.execute(
          (exists(c, ROLE_EXISTS, APP_ROLE) ? "alter role " : "create role ")
              + APP_ROLE
              + ROLE_ATTRIBUTES);
      setPassword(s, APP_ROLE, appPassword);
      // The superuser's verifier too: set by initdb (or by leaveTrust) with PostgreSQL's
      // default count, restated with the one its password needs (see iterations).
      setPassword(s, SUPERUSER, superuserPassword);
      renameLegacy = !exists(c, DATABASE_EXISTS, APP_DATABASE) && exists(c, HAS_FANMAIL_SCHEMA);
      if (!renameLegacy && !exists(c, DATABASE_EXISTS, APP_DATABASE)) {
        s.execute("create database " + APP_DATABASE + " owner " + APP_ROLE);
      }
    }
    try (Connection c =
            DriverManager.getConnection(url + "template1", SUPERUSER, superuserPassword);
        Statement s = c.createStatement()) {
      if (renameLegacy) {
        // Nobody else is connected yet (Quarkus starts after this), so the rename is allowed;
        // a fresh, empty postgres database stays for tools that expect one.
        LOG.infof("moving fanmail's tables from database postgres to %s", APP_DATABASE);
        s.execute("alter database postgres rename to " + APP_DATABASE);
        s.execute("create database postgres");
      }
      s.execute("alter database " + APP_DATABASE + " owner to " + APP_ROLE);
      s.execute("revoke connect, temporary on database " + APP_DATABASE + " from public");
    }
    try (Connection c =
            DriverManager.getConnection(url + APP_DATABASE, SUPERUSER, superuserPassword);
        Statement s = c.createStatement()) {
      s.execute(REASSIGN_PUBLIC);
    }
  }

  /**
   * SCRAM iterations of a role's verifier when its password is at least {@value
   * #RANDOM_PASSWORD_LENGTH} characters (fanmail generates 64 hex digits, 256 random bits).
   * Iterations slow down guessing a password from its verifier or from a recorded exchange; no
   * count makes 256 random bits guessable or less so, while PostgreSQL's default of 4,096 costs
   * every new connection some 16,000 SHA-256 blocks in the client (pgjdbc): tens of milliseconds on
   * a just-started JVM, and a restart opens a dozen connections (BENCHMARKS.md, fifteenth stop). A
   * shorter password, one an operator wrote into the file, gets the default.
   */
  static final int RANDOM_PASSWORD_ITERATIONS = 16;

  /** The length from which a password counts as random (SecretsCheck's minimum for secrets). */
  static final int RANDOM_PASSWORD_LENGTH = 32;

  /** PostgreSQL's (and pgjdbc's) default SCRAM iteration count. */
  static final int DEFAULT_ITERATIONS = 4096;

  private static final SecureRandom SALT = new SecureRandom();

  /** A SCRAM-SHA-256 verifier as PostgreSQL stores it (base64 fields only: safe to quote). */
  private static final Pattern VERIFIER =
      Pattern.compile("SCRAM-SHA-256\\$\\d+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");

  /**
   * The iterations of the verifier for {@code password} (see {@link #RANDOM_PASSWORD_ITERATIONS}).
   */
  static int iterations(String password) {
    return password.length() >= RANDOM_PASSWORD_LENGTH
        ? RANDOM_PASSWORD_ITERATIONS
        : DEFAULT_ITERATIONS;
  }

  /**
   * Sets a role's password as a SCRAM-SHA-256 verifier computed here by pgjdbc (SASLprep, a random
   * salt, {@link #iterations} rounds): the clear text never reaches the server.
   */
  private static void setPassword(Statement s, String role, String password) throws SQLException {
    byte[] salt = new byte[16];
    SALT.nextBytes(salt);
    String verifier =
        PasswordUtil.encodeScramSha256(password.toCharArray(), iterations(password), salt);
    if (!VERIFIER.matcher(verifier).matches()) {
      throw new IllegalStateException("pgjdbc made a SCRAM verifier of an unexpected form");
    }
    s.execute("alter role " + role + " password '" + verifier + "'");
  }

  private static boolean exists(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
