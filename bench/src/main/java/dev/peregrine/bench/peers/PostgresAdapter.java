package dev.peregrine.bench.peers;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What the two PostgreSQL peers share: the server they run on, an admin connection for setup and
 * catch-up, one connection per client session, the on-disk size of their table, and catch-up as
 * keyset paging over the global position.
 */
abstract class PostgresAdapter implements PeerAdapter {

  /** Rows per catch-up page. */
  static final int PAGE = 10_000;

  private final String url;
  private final long serverPid;
  final Connection admin;

  PostgresAdapter(String url, long serverPid) throws SQLException {
    this.url = url;
    this.serverPid = serverPid;
    this.admin = DriverManager.getConnection(url);
  }

  /** The table whose total size (with indexes and TOAST, not the WAL) is the peer's bytes on disk. */
  abstract String relation();

  /** Both check expected versions and read whole streams. */
  @Override
  public boolean conditional() {
    return true;
  }

  @Override
  public boolean streamReads() {
    return true;
  }

  /** A new connection for one client thread. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  /** Binds the page query to start after the last global position seen (0 before the first page). */
  interface PageBinder {
    void bind(PreparedStatement query, long lastSeen) throws SQLException;
  }

  /**
   * Runs {@code query}, whose rows are (global position, type, data) in position order, PAGE rows at
   * a time until a short page, handing every row to {@code sink}.
   *
   * @return the rows read
   */
  long pageThrough(PreparedStatement query, PageBinder binder, EventSink sink) throws SQLException {
    long lastSeen = 0;
    long count = 0;
    while (true) {
      binder.bind(query, lastSeen);
      int page = 0;
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          lastSeen = rows.getLong(1);
          sink.accept(rows.getString(2), rows.getString(3).getBytes(StandardCharsets.UTF_8));
          page++;
        }
      }
      count += page;
      if (page < PAGE) {
        return count;
      }
    }
  }

  /** Runs SQL statements on a session's connection. */
  interface SqlWork {
    void run() throws SQLException;
  }

  /**
   * What the two peers' client sessions share: one connection, whole-stream loads with a statement
   * whose rows are (type, data as text), and batches as one transaction.
   */
  abstract static class PostgresSession implements Session {
    final Connection connection;
    private final PreparedStatement read;

    /**
     * @param connection the session's own connection
     * @param readSql the stream load: one parameter (the stream), rows (type, data) in stream order
     */
    PostgresSession(Connection connection, String readSql) throws SQLException {
      this.connection = connection;
      this.read = connection.prepareStatement(readSql);
    }

    /** Runs {@code work} as one transaction, rolled back if it throws. */
    void inTransaction(SqlWork work) throws SQLException {
      connection.setAutoCommit(false);
      try {
        work.run();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }

    @Override
    public int readStream(String stream, EventSink sink) throws SQLException {
      read.setString(1, stream);
      int count = 0;
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          sink.accept(rows.getString(1), rows.getString(2).getBytes(StandardCharsets.UTF_8));
          count++;
        }
      }
      return count;
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  @Override
  public long bytesOnDisk() throws SQLException {
    try (Statement statement = admin.createStatement();
         ResultSet size = statement.executeQuery("SELECT pg_total_relation_size('" + relation() + "')")) {
      size.next();
      return size.getLong(1);
    }
  }

  @Override
  public List<Long> serverPids() {
    return List.of(serverPid);
  }

  @Override
  public void close() throws SQLException {
    admin.close();
  }
}
