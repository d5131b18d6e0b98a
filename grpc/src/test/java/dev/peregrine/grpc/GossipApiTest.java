package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass;
import io.kurrent.dbclient.proto.shared.Shared;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip names the node by the address the client reached it at, not the wildcard it listens on,
 * so that a discovering client connects to an address it can reach.
 */
class GossipApiTest {
    @TempDir
    Path data;

    private static GossipOuterClass.EndPoint gossip(ManagedChannel channel) {
        try {
            GossipOuterClass.ClusterInfo cluster = GossipGrpc.newBlockingStub(channel).read(Shared.Empty.getDefaultInstance());
            assertThat(cluster.getMembersList()).hasSize(1);
            return cluster.getMembers(0).getHttpEndPoint();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aNodeListeningOnTheWildcardIsNamedByTheAddressTheClientDialled() throws Exception {
        // Off loopback without TLS or users needs --insecure; the test only ever dials loopback.
        try (KurrentTestServer server = new KurrentTestServer(data, b -> b.host("0.0.0.0").insecure(true))) {
            int port = server.grpcPort();
            GossipOuterClass.EndPoint byAddress = gossip(ManagedChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext().build());
            assertThat(byAddress.getAddress()).isEqualTo("127.0.0.1");
            assertThat(byAddress.getPort()).isEqualTo(port);
            GossipOuterClass.EndPoint byName = gossip(ManagedChannelBuilder.forAddress("127.0.0.1", port)
                    .overrideAuthority("localhost:" + port).usePlaintext().build());
            assertThat(byName.getAddress()).isEqualTo("localhost");
            assertThat(byName.getPort()).isEqualTo(port);

            // A client that discovers through gossip, then appends and reads where gossip pointed it.
            KurrentDBClient discovering = server.client("kurrentdb+discover://127.0.0.1:" + port + "?tls=false");
            discovering.appendToStream("gossip-1", EventData.builderAsJson("Discovered",
                    "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)).build()).get();
            assertThat(discovering.readStream("gossip-1", ReadStreamOptions.get()).get().getEvents())
                    .singleElement().satisfies(e -> assertThat(e.getEvent().getEventType()).isEqualTo("Discovered"));
        }
    }
}
