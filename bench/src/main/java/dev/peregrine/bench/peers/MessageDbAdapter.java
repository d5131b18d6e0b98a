package dev.peregrine.bench.peers;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Message DB (Eventide's event store on PostgreSQL), installed by bench/peers with the npm
 * package's own install script, used only through its own functions: {@code write_message} with an
 * expected version (it takes an advisory lock on the stream, reads the stream version, raises on a
 * mismatch), {@code get_stream_messages} and {@code get_category_messages} (with its SQL
 * condition for the type filter). Message DB counts positions from 0 and calls a missing stream
 * version -1: this adapter translates to event counts. A batch is one transaction of
 * {@code write_message} calls without expected version, as Eventide's writers do.
 */
final class MessageDbAdapter extends PostgresAdapter {

  private static final String WRONG_VERSION = "Wrong expected version";

  MessageDbAdapter(String url, long serverPid) throws SQLException {
    super(url, serverPid);
  }

  @Override
  public String name() {
    return "message-db";
  }

  @Override
  public void reset() throws SQLException {
    try (Statement statement = admin.createStatement()) {
      statement.execute("TRUNCATE message_store.messages");
      statement.execute("CHECKPOINT");
    }
  }

  @Override
  public Session openSession() throws SQLException {
    return new MessageDbSession(connect());
  }

  @Override
  public long catchUp(String type, EventSink sink) throws SQLException {
    try (Statement settings = admin.createStatement()) {
      settings.execute("SET message_store.sql_condition = 'on'");
    }
    try (PreparedStatement query = admin.prepareStatement(
        "SELECT global_position, type, data FROM message_store.get_category_messages(?, ?, ?, NULL, NULL, NULL, ?)")) {
      // get_category_messages starts AT a position, so the page after lastSeen starts at lastSeen + 1.
      return pageThrough(query, (q, lastSeen) -> {
        q.setString(1, "bulk");
        q.setLong(2, lastSeen + 1);
        q.setLong(3, PAGE);
        q.setString(4, type == null ? null : "type = '" + type.replace("'", "''") + "'");
      }, sink);
    }
  }

  /** The messages table (with its indexes and TOAST). */
  @Override
  String relation() {
    return "message_store.messages";
  }

  private static final class MessageDbSession extends PostgresSession {
    private final PreparedStatement write;
    private final PreparedStatement version;

    MessageDbSession(Connection connection) throws SQLException {
      super(connection, "SELECT type, data FROM message_store.get_stream_messages(?, 0, 1000000)");
      this.write = connection.prepareStatement(
          "SELECT message_store.write_message(?, ?, ?, ?::jsonb, ?::jsonb, ?)");
      this.version = connection.prepareStatement("SELECT message_store.stream_version(?)");
    }

    private void write(BenchEvent event, Long expectedPosition) throws SQLException {
      write.setString(1, event.id().toString());
      write.setString(2, event.stream());
      write.setString(3, event.type());
      write.setString(4, new String(event.payload(), StandardCharsets.UTF_8));
      write.setString(5, new String(event.metadata(), StandardCharsets.UTF_8));
      write.setObject(6, expectedPosition, java.sql.Types.BIGINT);
      try (ResultSet ignored = write.executeQuery()) {
        // write_message returns the new position; the count is kept by the workload.
      }
    }

    @Override
    public boolean append(BenchEvent event, long expectedVersion) throws SQLException {
      try {
        write(event, expectedVersion - 1);
        return true;
      } catch (SQLException e) {
        if (e.getMessage() != null && e.getMessage().contains(WRONG_VERSION)) {
          return false;
        }
        throw e;
      }
    }

    @Override
    public long streamVersion(String stream) throws SQLException {
      version.setString(1, stream);
      try (ResultSet rows = version.executeQuery()) {
        rows.next();
        long last = rows.getLong(1);
        return rows.wasNull() ? 0 : last + 1;
      }
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) throws SQLException {
      inTransaction(() -> {
        for (BenchEvent event : batch) {
          write(event, null);
        }
      });
    }
  }
}
