package dev.peregrine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to Peregrine's API, remotely ({@code --url}) or embedded ({@code --data}).
 * API errors are reported on stderr with the server's message, exit status 1.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    /** Does the command's work. */
    abstract int run(ApiClient client) throws Exception;

    @Override
    public final Integer call() throws Exception {
        try (TargetOptions.Connection connection = target.connect()) {
            return run(connection.client());
        } catch (ApiClient.ApiError e) {
            System.err.println("peregrine: " + e.describe());
            return 1;
        }
    }
}
