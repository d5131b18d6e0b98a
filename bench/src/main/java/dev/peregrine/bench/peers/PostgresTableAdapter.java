package dev.peregrine.bench.peers;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL used the way most teams start: one {@code events} table with a global position, the
 * payload and metadata as {@code jsonb}, and a unique (stream, version) constraint that turns a
 * concurrent append into a unique violation (the optimistic-concurrency check). No index on type:
 * the filtered catch-up scans the log like a team's first version would. One connection per client
 * thread; {@code synchronous_commit=on} is set by bench/peers when it starts the server.
 */
final class PostgresTableAdapter extends PostgresAdapter {

  private static final String UNIQUE_VIOLATION = "23505";

  PostgresTableAdapter(String url, long serverPid) throws SQLException {
    super(url, serverPid);
  }

  @Override
  public String name() {
    return "postgres-table";
  }

  @Override
  public void reset() throws SQLException {
    try (Statement statement = admin.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS events");
      statement.execute("""
          CREATE TABLE events (
            global_position bigserial PRIMARY KEY,
            stream          text        NOT NULL,
            version         bigint      NOT NULL,
            type            text        NOT NULL,
            id              uuid        NOT NULL,
            data            jsonb       NOT NULL,
            metadata        jsonb,
            recorded_at     timestamptz NOT NULL DEFAULT now(),
            UNIQUE (stream, version)
          )""");
      statement.execute("CHECKPOINT");
    }
  }

  @Override
  public Session openSession() throws SQLException {
    return new TableSession(connect());
  }

  @Override
  public long catchUp(String type, EventSink sink) throws SQLException {
    String sql = "SELECT global_position, type, data::text FROM events WHERE global_position > ?"
        + (type == null ? "" : " AND type = ?") + " ORDER BY global_position LIMIT " + PAGE;
    try (PreparedStatement query = admin.prepareStatement(sql)) {
      return pageThrough(query, (q, lastSeen) -> {
        q.setLong(1, lastSeen);
        if (type != null) {
          q.setString(2, type);
        }
      }, sink);
    }
  }

  /** The events table (with its indexes and TOAST; not the WAL, which PostgreSQL recycles). */
  @Override
  String relation() {
    return "events";
  }

  private static final class TableSession extends PostgresSession {
    private final PreparedStatement insert;
    private final PreparedStatement version;

    TableSession(Connection connection) throws SQLException {
      super(connection, "SELECT type, data::text FROM events WHERE stream = ? ORDER BY version");
      this.insert = connection.prepareStatement(
          "INSERT INTO events (stream, version, type, id, data, metadata) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)");
      this.version = connection.prepareStatement("SELECT coalesce(max(version), 0) FROM events WHERE stream = ?");
    }

    private void bind(BenchEvent event, long eventVersion) throws SQLException {
      insert.setString(1, event.stream());
      insert.setLong(2, eventVersion);
      insert.setString(3, event.type());
      insert.setObject(4, event.id());
      insert.setString(5, new String(event.payload(), StandardCharsets.UTF_8));
      insert.setString(6, new String(event.metadata(), StandardCharsets.UTF_8));
    }

    @Override
    public boolean append(BenchEvent event, long expectedVersion) throws SQLException {
      bind(event, expectedVersion + 1);
      try {
        insert.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
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
        return rows.getLong(1);
      }
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) throws SQLException {
      inTransaction(() -> {
        for (BenchEvent event : batch) {
          bind(event, event.version());
          insert.addBatch();
        }
        insert.executeBatch();
      });
    }
  }
}
