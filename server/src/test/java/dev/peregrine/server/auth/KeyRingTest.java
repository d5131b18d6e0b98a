package dev.peregrine.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {
    @TempDir
    Path data;

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-06-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void noFileMeansOpenAndACreatedKeyTurnsAuthenticationOn() {
        KeyRing keys = KeyRing.open(data);
        assertThat(keys.enabled()).isFalse();
        KeyRing.Created created = keys.create("ci", Role.WRITER, "acme", null);
        assertThat(keys.enabled()).isTrue();
        assertThat(created.key()).startsWith(ApiKey.PREFIX).hasSize(ApiKey.KEY_LENGTH);
        assertThat(keys.verify(created.key())).isEqualTo(new Principal(created.entry().id(), Role.WRITER, "acme"));
        assertThat(KeyRing.open(data).verify(created.key()).tenant()).isEqualTo("acme");
        assertThat(created.toString()).doesNotContain(created.key().substring(ApiKey.PREFIX.length() + ApiKey.ID_LENGTH));
    }

    @Test
    void theFileHoldsOnlyTheHash() throws IOException {
        KeyRing keys = KeyRing.open(data);
        KeyRing.Created created = keys.create("ci", Role.ADMIN, null, null);
        String secret = created.key().substring(ApiKey.PREFIX.length() + ApiKey.ID_LENGTH + 1);
        String file = new String(Files.readAllBytes(keys.file()), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(file).contains(created.entry().id()).doesNotContain(secret);
    }

    @Test
    void wrongSecretsUnknownIdsAndMalformedKeysAreRefused() {
        KeyRing keys = KeyRing.open(data);
        String key = keys.create("", Role.READER, null, null).key();
        char last = key.charAt(key.length() - 1);
        String wrongSecret = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
        String unknownId = ApiKey.PREFIX + "0123456789abcdef" + key.substring(ApiKey.PREFIX.length() + ApiKey.ID_LENGTH);
        assertReason(keys, wrongSecret, AuthenticationException.Reason.UNKNOWN);
        assertReason(keys, unknownId, AuthenticationException.Reason.UNKNOWN);
        assertReason(keys, key.substring(1), AuthenticationException.Reason.MALFORMED);
        assertReason(keys, key + "x", AuthenticationException.Reason.MALFORMED);
        assertReason(keys, "changeit", AuthenticationException.Reason.MALFORMED);
        assertReason(keys, "", AuthenticationException.Reason.MISSING);
        assertReason(keys, null, AuthenticationException.Reason.MISSING);
    }

    @Test
    void anExpiredKeyIsRefusedFromItsExpiryOn() {
        MovableClock clock = new MovableClock();
        KeyRing keys = KeyRing.open(data, clock);
        String key = keys.create("", Role.READER, null, clock.instant().plusSeconds(60)).key();
        clock.advance(Duration.ofSeconds(59));
        assertThat(keys.verify(key).role()).isEqualTo(Role.READER);
        clock.advance(Duration.ofSeconds(1));
        assertReason(keys, key, AuthenticationException.Reason.EXPIRED);
        assertThatThrownBy(() -> keys.create("", Role.READER, null, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the future");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndRevokingTheLastKeepsAuthenticationOn() {
        KeyRing keys = KeyRing.open(data);
        KeyRing.Created created = keys.create("", Role.ADMIN, null, null);
        assertThat(keys.revoke(created.entry().id())).isTrue();
        assertReason(keys, created.key(), AuthenticationException.Reason.UNKNOWN);
        assertThat(keys.revoke(created.entry().id())).isFalse();
        assertThat(keys.list()).isEmpty();
        assertThat(keys.enabled()).isTrue();
        assertThat(KeyRing.open(data).enabled()).isTrue();
    }

    @Test
    void aChangeMadeByAnotherProcessIsSeenOnReload() {
        KeyRing server = KeyRing.open(data);
        KeyRing.Created first = server.create("", Role.WRITER, "acme", null);
        KeyRing cli = KeyRing.open(data);
        KeyRing.Created second = cli.create("", Role.READER, "beta", null);
        assertThat(cli.revoke(first.entry().id())).isTrue();
        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(server.reloadIfChanged()).isFalse();
        assertReason(server, first.key(), AuthenticationException.Reason.UNKNOWN);
        assertThat(server.verify(second.key()).tenant()).isEqualTo("beta");
        // Both changes survive: each change re-reads the file under its lock.
        server.create("", Role.READER, null, null);
        assertThat(KeyRing.open(data).list()).hasSize(2);
    }

    @Test
    void adminKeysAndTheDefaultTenantCannotBeBound() {
        KeyRing keys = KeyRing.open(data);
        assertThatThrownBy(() -> keys.create("", Role.ADMIN, "acme", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin");
        assertThatThrownBy(() -> keys.create("", Role.WRITER, "default", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default");
        assertThatThrownBy(() -> keys.create("", Role.WRITER, "Acme:1", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[a-z0-9._-]");
        assertThat(keys.enabled()).isFalse();
    }

    @Test
    void allSourceRoleNamesMapOntoRoles() {
        assertThat(Role.parse("Admin")).isEqualTo(Role.ADMIN);
        assertThat(Role.parse("Developer")).isEqualTo(Role.WRITER);
        assertThat(Role.parse("ServiceAccount")).isEqualTo(Role.WRITER);
        assertThat(Role.parse("ReadOnly")).isEqualTo(Role.READER);
        assertThat(Role.parse("read-only")).isEqualTo(Role.READER);
        assertThatThrownBy(() -> Role.parse("root")).hasMessageContaining("admin, writer or reader");
    }

    @Test
    void passwordsAreVerifiedSlowlyOnceThenFromTheCacheUntilTheFileChanges() {
        KeyRing keys = KeyRing.open(data);
        keys.addUser("admin", "changeit", Role.ADMIN, null, 1_000);
        assertThat(keys.verifiedPassword("admin", "changeit")).isEmpty();
        assertThat(keys.verifyPassword("admin", "changeit").subject()).isEqualTo("user:admin");
        assertThat(keys.verifiedPassword("admin", "changeit")).isPresent();
        assertThatThrownBy(() -> keys.verifyPassword("admin", "wrong")).isInstanceOf(AuthenticationException.class);
        assertThat(keys.verifiedPassword("admin", "wrong")).isEmpty();
        assertThat(keys.setPassword("admin", "new one")).isTrue();
        assertThat(keys.verifiedPassword("admin", "changeit")).isEmpty();
        assertThatThrownBy(() -> keys.verifyPassword("admin", "changeit")).isInstanceOf(AuthenticationException.class);
        assertThat(keys.verifyPassword("admin", "new one").role()).isEqualTo(Role.ADMIN);
        assertThat(KeyRing.open(data).verifyPassword("admin", "new one").role()).isEqualTo(Role.ADMIN);
        assertThat(keys.removeUser("admin")).isTrue();
        assertThat(keys.verifiedPassword("admin", "new one")).isEmpty();
        assertThatThrownBy(() -> keys.addUser("x:y", "p", Role.READER, null)).hasMessageContaining("[A-Za-z0-9._@-]");
        assertThatThrownBy(() -> keys.addUser("x", "", Role.READER, null)).hasMessageContaining("empty");
    }

    @Test
    void theVerifiedCacheIsBounded() {
        KeyRing keys = KeyRing.open(data, 4);
        int users = 5;
        for (int i = 0; i < users; i++) {
            keys.addUser("u" + i, "p" + i, Role.READER, null, 1);
        }
        for (int i = 0; i < users; i++) {
            keys.verifyPassword("u" + i, "p" + i);
            assertThatThrownBy(() -> keys.verifyPassword("u0", "not p0")).isInstanceOf(AuthenticationException.class);
        }
        // Full at the last one: emptied, then the last one kept; failures are never cached.
        assertThat(keys.verifiedPassword("u0", "p0")).isEmpty();
        assertThat(keys.verifiedPassword("u" + (users - 1), "p" + (users - 1))).isPresent();
        assertThat(keys.verifiedPassword("u0", "not p0")).isEmpty();
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        KeyRing keys = KeyRing.open(data);
        for (int i = 0; i < 3; i++) {
            keys.create("key " + i, Role.READER, "t" + i, null);
            keys.addUser("user" + i, "password " + i, Role.WRITER, "t" + i, 1_000);
        }
        byte[] intact = Files.readAllBytes(keys.file());
        for (int length = 0; length < intact.length; length++) {
            Files.write(keys.file(), java.util.Arrays.copyOf(intact, length));
            assertThatThrownBy(() -> CredentialFile.read(keys.file())).as("truncated to %d bytes", length)
                    .isInstanceOf(CredentialFileException.class);
        }
    }

    @Test
    void everyBitFlipIsDetected() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        KeyRing keys = KeyRing.open(data);
        for (int i = 0; i < 3; i++) {
            keys.create("key " + i, Role.WRITER, "t" + i, Instant.now().plusSeconds(3600));
            keys.addUser("user" + i, "password " + i, Role.READER, null, 1_000);
        }
        byte[] intact = Files.readAllBytes(keys.file());
        for (int round = 0; round < 500; round++) {
            byte[] damaged = intact.clone();
            int position = random.nextInt(damaged.length);
            damaged[position] ^= (byte) (1 << random.nextInt(8));
            Files.write(keys.file(), damaged);
            assertThatThrownBy(() -> CredentialFile.read(keys.file()))
                    .as("seed %d, bit flipped at byte %d of %d", seed, position, damaged.length)
                    .isInstanceOf(CredentialFileException.class);
        }
        Files.write(keys.file(), intact);
        assertThat(CredentialFile.read(keys.file()).keys()).hasSize(3);
        assertThat(CredentialFile.read(keys.file()).users()).hasSize(3);
    }

    @Test
    void aDamagedFileIsNotLoadedOverTheKeysInUse() throws IOException {
        KeyRing keys = KeyRing.open(data);
        String key = keys.create("", Role.READER, null, null).key();
        byte[] bytes = Files.readAllBytes(keys.file());
        bytes[bytes.length / 2] ^= 1;
        Path temporary = keys.file().resolveSibling("replacement");
        Files.write(temporary, bytes);
        Files.move(temporary, keys.file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(keys::reloadIfChanged).isInstanceOf(CredentialFileException.class)
                .hasMessageContaining("CRC-32C");
        assertThat(keys.verify(key).role()).isEqualTo(Role.READER);
        assertThat(List.of(keys.list().getFirst().toString())).noneMatch(text -> text.contains(key));
    }

    private static void assertReason(KeyRing keys, String presented, AuthenticationException.Reason reason) {
        assertThatThrownBy(() -> keys.verify(presented)).isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertThat(((AuthenticationException) e).reason()).isEqualTo(reason))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(presented == null || presented.isEmpty()
                        ? "\u0000" : presented));
    }
}
