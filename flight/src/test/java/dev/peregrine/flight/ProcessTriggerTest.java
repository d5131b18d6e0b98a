package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each process trigger, exercised in a real child JVM, leaves a readable snapshot with the right reason. */
class ProcessTriggerTest {
    @TempDir
    Path dir;

    private Process start(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ChildJvmMain.class.getName(), mode, dir.toString())
                .redirectErrorStream(true).start();
    }

    private List<FlightSnapshot> snapshots() throws Exception {
        List<FlightSnapshot> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pgfl")).sorted().toList()) {
                result.add(FlightSnapshot.read(p));
            }
        }
        return result;
    }

    private static String drain(Process process) throws Exception {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void normalShutdownWritesASnapshot() throws Exception {
        Process child = start("shutdown");
        String output = drain(child);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        List<FlightSnapshot> snapshots = snapshots();
        assertThat(snapshots).as(output).hasSize(1);
        FlightSnapshot s = snapshots.getFirst();
        assertThat(s.header().reason()).isEqualTo("shutdown");
        assertThat(s.header().service()).isEqualTo("child-shutdown");
        assertThat(s.header().pid()).isEqualTo(child.pid());
        assertThat(s.events()).hasSize(101);
        assertThat(s.events().getLast().message()).isEqualTo("main returns");
    }

    @Test
    void uncaughtExceptionWritesASnapshotWithTheError() throws Exception {
        Process child = start("uncaught");
        String output = drain(child);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("Exception in thread \"main\"").contains("child failed on purpose");
        FlightSnapshot s = snapshots().stream().filter(x -> x.header().reason().equals("uncaught-exception")).findFirst()
                .orElseThrow(() -> new AssertionError("no uncaught-exception snapshot; child said:\n" + output));
        FlightEvent last = s.events().getLast();
        assertThat(last.level()).isEqualTo(Level.ERROR);
        assertThat(last.target()).isEqualTo("uncaught");
        assertThat(last.message()).isEqualTo("uncaught exception in thread main java.lang.IllegalStateException: child failed on purpose");
        assertThat(s.events()).hasSize(101);
    }

    @Test
    void sigtermWritesASnapshotMarkedSigterm() throws Exception {
        Process child = start("sigterm");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            seen.append(line).append('\n');
        }
        assertThat(line).as("child never became ready:\n" + seen).isEqualTo("READY");
        // Process.destroy sends SIGTERM on Unix.
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // The JVM exits with 128 + 15 after running its shutdown hooks (destroy() closed our end of its output).
        assertThat(child.exitValue()).isEqualTo(143);
        List<FlightSnapshot> snapshots = snapshots();
        assertThat(snapshots).hasSize(1);
        FlightSnapshot s = snapshots.getFirst();
        assertThat(s.header().reason()).isEqualTo("sigterm");
        assertThat(s.events()).hasSize(101);
        assertThat(s.events().getLast().message()).isEqualTo("waiting for SIGTERM");
    }
}
