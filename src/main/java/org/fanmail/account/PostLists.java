package org.fanmail.account;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The list a post belongs to and whether it is held, for deciding a request keyed by post id before
 * the operation runs. One primary-key look-up; empty for an unknown post.
 */
@ApplicationScoped
public class PostLists {
  private final AgroalDataSource dataSource;

  public PostLists(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A post's list address and whether it is held now. */
  public record PostList(String address, boolean held) {}

  public Optional<PostList> of(long postId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(AccountQueries.POST_LIST)) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new PostList(rs.getString(1), rs.getBoolean(2)))
            : Optional.empty();
      }
    }
  }
}
