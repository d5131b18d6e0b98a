package dev.peregrine.cli;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import dev.peregrine.server.auth.User;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine users add|passwd|remove|list}: users who sign in with HTTP Basic (the KurrentDB
 * clients do), offline on a data directory like {@code peregrine keys}. Passwords are read from
 * the terminal without echo, or as the first line of standard input when it is not a terminal,
 * never from a flag (flags show in the process list).
 */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = {"Add, list, remove users and change their passwords (HTTP Basic authentication).",
                "Passwords are read from the terminal, or from the first line of standard input."},
        subcommands = {UsersCommand.Add.class, UsersCommand.Passwd.class, UsersCommand.Remove.class,
            UsersCommand.ListUsers.class})
final class UsersCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** {@code users add <name> --role R [--tenant T]}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user; asks for the password.")
    static final class Add implements Callable<Integer> {
        @Mixin
        KeysCommand.DataDirectory data;

        @Parameters(paramLabel = "NAME", description = "1 to 64 characters of [A-Za-z0-9._@-].")
        String name;

        @Option(names = "--role", required = true,
                description = "admin | writer | reader (AllSource names Admin, Developer, ServiceAccount, ReadOnly too).")
        String role;

        @Option(names = "--tenant", description = "Bind the user to this tenant (not for admins).")
        String tenant;

        @Override
        public Integer call() {
            return KeysCommand.refusingBadArguments("users add", () -> {
                User user = data.keys().addUser(name, password("password for " + name + ": "), Role.parse(role), tenant);
                System.err.println("added " + user);
                return 0;
            });
        }
    }

    /** {@code users passwd <name>}. */
    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change a user's password.")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        KeysCommand.DataDirectory data;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return KeysCommand.refusingBadArguments("users passwd", () -> {
                if (!data.keys().setPassword(name, password("new password for " + name + ": "))) {
                    System.err.println("peregrine users passwd: no user '" + name + "'");
                    return 1;
                }
                System.err.println("password of " + name + " changed");
                return 0;
            });
        }
    }

    /** {@code users remove <name>}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        KeysCommand.DataDirectory data;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (!data.keys().removeUser(name)) {
                System.err.println("peregrine users remove: no user '" + name + "'");
                return 1;
            }
            System.err.println("removed user " + name);
            return 0;
        }
    }

    /** {@code users list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users (no password hashes).")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        KeysCommand.DataDirectory data;

        @Override
        public Integer call() {
            KeyRing keys = data.keys();
            for (User user : keys.users()) {
                System.out.println(user.name() + "  " + user.role().label() + ", "
                        + (user.tenant() == null ? "all tenants" : "tenant " + user.tenant()) + ", created " + user.created());
            }
            return 0;
        }
    }

    private static String password(String prompt) {
        Console console = System.console();
        if (console != null && console.isTerminal()) {
            char[] typed = console.readPassword("%s", prompt);
            return typed == null ? "" : new String(typed);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the password from standard input", e);
        }
    }
}
