package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void printsEachSampleAsJsonWithItsSize() {
        assertThat(run("demo")).isZero();
        assertThat(out.toString())
                .contains("record 1: 63 bytes")
                .contains("{\"ts\":1700000000000,\"seq\":42,\"ok\":true,\"kind\":\"login!!\"}")
                .contains("payload.address.city read in place: London")
                .contains("h\u00e9llo w\u00f6rld \ud83d\udc26");
    }

    @Test
    void encodesGivenDocumentsAndReportsBadOnes() {
        assertThat(run("demo", "{\"b\":2,\"a\":1}", "{\"a\":")).isEqualTo(1);
        assertThat(out.toString()).contains("record 1: 40 bytes").contains("{\"b\":2,\"a\":1}");
        assertThat(err.toString()).contains("record 2: invalid JSON at line 1");
    }

    @Test
    void hasHelp() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: peregrine demo").contains("size in bytes");
    }
}
