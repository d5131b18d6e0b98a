package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.PeregrineServer;
import dev.peregrine.server.ServerConfig;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine backup} and {@code peregrine restore}, on a directory and against a running server. */
class BackupCommandTest {

    @TempDir
    Path temp;

    @Test
    void backsUpADirectoryRestoresItAndRefusesToRestoreOverData() throws Exception {
        Path data = temp.resolve("data");
        CommandLineTest.Run ingest = CommandLineTest.run("ingest", "--data", data.toString(), ndjson(500).toString());
        assertThat(ingest.exit()).as(ingest.err()).isZero();

        CommandLineTest.Run backup = CommandLineTest.run("backup", "--data", data.toString(), "--to", temp.resolve("b").toString());
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("backup at position 500");
        assertThat(backup.err()).contains("100%");

        CommandLineTest.Run restore = CommandLineTest.run("restore", "--from", temp.resolve("b").toString(),
                "--data", temp.resolve("r").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("up to position 500");
        try (EventStore store = EventStore.open(temp.resolve("r"), StoreOptions.defaults())) {
            assertThat(store.stats().totalEvents()).isEqualTo(500);
        }

        CommandLineTest.Run again = CommandLineTest.run("restore", "--from", temp.resolve("b").toString(),
                "--data", data.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("not empty");
        CommandLineTest.Run noTarget = CommandLineTest.run("backup", "--data", data.toString());
        assertThat(noTarget.exit()).isEqualTo(2);
        assertThat(noTarget.err()).contains("--to");
    }

    @Test
    void backsUpARunningServerIntoItsBackupDirectory() throws Exception {
        Path backups = temp.resolve("backups");
        try (PeregrineServer server = PeregrineServer.start(ServerConfig.builder().port(0)
                .dataDirectory(temp.resolve("data")).backupDirectory(backups).build())) {
            String url = "http://127.0.0.1:" + server.port();
            assertThat(CommandLineTest.run("ingest", "--url", url, ndjson(300).toString()).exit()).isZero();
            CommandLineTest.Run run = CommandLineTest.run("backup", "--url", url, "--name", "weekly");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("backup 'weekly' at position 300");
            CommandLineTest.Run bad = CommandLineTest.run("backup", "--url", url, "--name", "../x");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("HTTP 400").contains("'name'");
        }
        assertThat(Files.isDirectory(backups.resolve("weekly"))).isTrue();
        CommandLineTest.Run restore = CommandLineTest.run("restore", "--from", backups.resolve("weekly").toString(),
                "--data", temp.resolve("r").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
    }

    private Path ndjson(int events) throws java.io.IOException {
        Path file = temp.resolve("events-" + events + ".ndjson");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < events; i++) {
            lines.append("{\"event_type\":\"cli.t\",\"entity_id\":\"cli-").append(i % 7).append("\",\"payload\":{\"i\":")
                    .append(i).append("}}\n");
        }
        Files.writeString(file, lines);
        return file;
    }
}
