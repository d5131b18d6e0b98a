package dev.peregrine.cli;

import picocli.CommandLine;

/** Reports the version written into the jar manifest by the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"peregrine " + (version == null ? "(development build)" : version),
                "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
