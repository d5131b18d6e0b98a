/**
 * KurrentDB's gRPC client protocol v1 over Peregrine's store: {@link dev.peregrine.grpc.GrpcServer}.
 * Everything else is internal.
 *
 * <p>The protocol's generated classes come from the official client's jar, which has no module
 * descriptor and no {@code Automatic-Module-Name}: on the module path it is the automatic module
 * {@code kurrentdb.client}, named after its file (and grpc-java's jars are automatic modules that
 * declare their names). That works for compiling this descriptor; at run time the command line
 * puts every jar on the class path (bin/peregrine), where the descriptor is not consulted.
 */
module dev.peregrine.grpc {
    requires transitive dev.peregrine.server;
    requires dev.peregrine.schema;
    requires kurrentdb.client;
    requires io.grpc;
    requires io.grpc.stub;
    requires io.grpc.protobuf;
    requires io.grpc.netty.shaded;
    requires com.google.protobuf;
    requires org.slf4j;
    requires re2j; // read filters' regular expressions, in linear time, as the store's own filters

    exports dev.peregrine.grpc;
}
