// What checking an API key costs in-process: KeyRing.verify of a valid key among 1,001, in rounds.
// Run as a single-file program; see docs/benchmarks.md, "Authentication cost".
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.nio.file.Files;

public class VerifyCost {
    public static void main(String[] args) throws Exception {
        KeyRing keys = KeyRing.open(Files.createTempDirectory("vc"));
        for (int i = 0; i < 1000; i++) keys.create("", Role.READER, null, null);
        String key = keys.create("", Role.WRITER, "acme", null).key();
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            int n = 2_000_000;
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) sink += keys.verify(key).subject().length();
            System.out.printf("round %d: %.0f ns per verify%n", round, (System.nanoTime() - t) / (double) n);
        }
        System.out.println(sink);
    }
}
