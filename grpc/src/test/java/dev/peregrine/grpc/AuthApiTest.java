package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.ReadStreamOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials over gRPC: the users of the HTTP server's key ring sign in with the client's usual
 * {@code user:password@} in the connection string; wrong or missing credentials and roles or tenants
 * that do not allow a call are refused.
 */
class AuthApiTest {
    @TempDir
    static Path data;
    static KurrentTestServer server;

    @BeforeAll
    static void start() {
        KeyRing keys = KeyRing.open(data);
        keys.addUser("admin", "changeit", Role.ADMIN, null);
        keys.addUser("auditor", "read-only", Role.READER, null);
        keys.addUser("acme-app", "s3cret", Role.WRITER, "acme");
        server = new KurrentTestServer(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static KurrentDBClient as(String user, String password) {
        return server.client(user, password);
    }

    static EventData event() {
        return EventData.builderAsJson("audit.logged", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    static Status.Code refusal(ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
        return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
    }

    static Status.Code appendAs(KurrentDBClient client, String stream) throws InterruptedException {
        try {
            client.appendToStream(stream, event()).get();
            return Status.Code.OK;
        } catch (ExecutionException e) {
            return refusal(e);
        }
    }

    static Status.Code readAs(KurrentDBClient client, String stream) throws InterruptedException {
        try {
            client.readStream(stream, ReadStreamOptions.get()).get();
            return Status.Code.OK;
        } catch (ExecutionException e) {
            return refusal(e);
        }
    }

    @Test
    void aUserWithTheRightPasswordAppendsAndReads() throws Exception {
        KurrentDBClient admin = as("admin", "changeit");
        assertThat(appendAs(admin, "audit-1")).isEqualTo(Status.Code.OK);
        assertThat(readAs(admin, "audit-1")).isEqualTo(Status.Code.OK);
    }

    @Test
    void aWrongPasswordAnUnknownUserAndNoCredentialsAreRefused() throws Exception {
        assertThat(appendAs(as("admin", "changeit!"), "audit-2")).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(readAs(as("nobody", "changeit"), "audit-2")).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(appendAs(server.client(), "audit-2")).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(server.http().store().streamVersion("audit-2")).isZero();
    }

    @Test
    void aReaderReadsButDoesNotWriteAndATenantBoundUserIsRefused() throws Exception {
        assertThat(appendAs(as("admin", "changeit"), "audit-3")).isEqualTo(Status.Code.OK);
        KurrentDBClient auditor = as("auditor", "read-only");
        assertThat(readAs(auditor, "audit-3")).isEqualTo(Status.Code.OK);
        assertThat(appendAs(auditor, "audit-3")).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(appendAs(as("acme-app", "s3cret"), "audit-3")).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(server.http().store().streamVersion("audit-3")).isEqualTo(1);
    }

    @Test
    void aReaderReadsPersistentSubscriptionsButOnlyAWriterCreatesThem() throws Exception {
        KurrentDBPersistentSubscriptionsClient auditor = KurrentDBPersistentSubscriptionsClient.from(as("auditor", "read-only"));
        try {
            auditor.createToStream("audit-4", "alerts").get();
            throw new AssertionError("a reader created a persistent subscription");
        } catch (ExecutionException e) {
            assertThat(refusal(e)).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(server.http().store().subscriptions().groupNames()).isEmpty();
        KurrentDBPersistentSubscriptionsClient.from(as("admin", "changeit")).createToStream("audit-4", "alerts").get();
        assertThat(auditor.getInfoToStream("audit-4", "alerts").get()).isPresent();
    }
}
