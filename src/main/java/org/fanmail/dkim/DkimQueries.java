package org.fanmail.dkim;

/**
 * The SQL of the DKIM key store ({@link DkimKeys}). Small table, few rows: the signing path never
 * reads it per copy ({@link #LOAD_ACTIVE} fills a cache), only the REST layer and that reload do.
 */
public final class DkimQueries {
  private DkimQueries() {}

  /** A new key; the primary key refuses a (domain, selector) that exists (409). */
  public static final String INSERT =
      "insert into dkim_key (domain, selector, algorithm, public_key, private_key_sealed)"
          + " values (?, ?, ?, ?, ?) returning active, created_at";

  /** How many keys a domain has (bounded per domain). */
  public static final String COUNT_FOR_DOMAIN = "select count(*) from dkim_key where domain = ?";

  /** A domain's keys for REST, oldest first; never the private key. */
  public static final String LIST_FOR_DOMAIN =
      "select domain, selector, algorithm, public_key, active, created_at from dkim_key"
          + " where domain = ? order by created_at, selector";

  /** Every key for REST (no domain given), bounded by the caller's limit. */
  public static final String LIST_ALL =
      "select domain, selector, algorithm, public_key, active, created_at from dkim_key"
          + " order by domain, created_at, selector limit ?";

  /** Activates or deactivates one key; no row = unknown key (404). */
  public static final String SET_ACTIVE =
      "update dkim_key set active = ? where domain = ? and selector = ?"
          + " returning domain, selector, algorithm, public_key, active, created_at";

  /** Removes one key; no row = unknown key (404). */
  public static final String DELETE = "delete from dkim_key where domain = ? and selector = ?";

  /**
   * Every active key with its sealed private part, for the signing cache; in signing order (per
   * domain oldest first: the first RSA key seals ARC, so a newly added key never takes over the
   * seal before the old one is deactivated).
   */
  public static final String LOAD_ACTIVE =
      "select domain, selector, algorithm, private_key_sealed from dkim_key where active"
          + " order by domain, created_at, selector";

  /** Re-seals a private key under the current link secret after a rotation. */
  public static final String RESEAL =
      "update dkim_key set private_key_sealed = ? where domain = ? and selector = ?";
}
