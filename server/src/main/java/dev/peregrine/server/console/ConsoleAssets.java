package dev.peregrine.server.console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

/**
 * The web console's static files, read from the server jar once at startup and held in memory
 * (about 150 KB), each with its content type and, where it pays, a gzip copy.
 *
 * <p>Caching: every asset is served under {@code /console/assets/<version>/<name>}, where
 * {@code <version>} is a hash over all the assets' bytes. The JavaScript modules import each other by
 * relative name, so a per-directory version keeps those imports valid while any change to any file
 * yields new URLs: assets can be cached for a year as immutable, and only the index page, which
 * names the current version, is revalidated on every load.
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class ConsoleAssets {
    /** Where the console's own files lie on the class path, beside this class. */
    private static final String BASE = "web/";
    /**
     * The charting library comes from the uPlot WebJar (a Maven dependency, never a CDN); its files
     * lie under a directory named by its version, which its Maven metadata gives.
     */
    private static final String UPLOT_PROPERTIES = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    /** Placeholder in {@code index.html} replaced by the assets' version. */
    private static final String VERSION_TOKEN = "@ASSETS@";
    /** Below this size gzip saves less than the header it adds costs to decode. */
    private static final int MIN_COMPRESSED_BYTES = 512;

    /** The console's own files; every one is listed so that a missing one fails the start, not a page. */
    private static final List<String> OWN_FILES = List.of(
            "app.js", "api.js", "ui.js", "charts.js", "format.js",
            "dashboard.js", "events.js", "tail.js", "entity.js", "views.js", "groups.js", "log.js", "login.js",
            "console.css", "favicon.svg");

    private final String version;
    private final Asset index;
    private final Map<String, Asset> assets;

    private ConsoleAssets(String version, Asset index, Map<String, Asset> assets) {
        this.version = version;
        this.index = index;
        this.assets = assets;
    }

    /**
     * One file as served.
     *
     * @param name the file name under the versioned directory
     * @param contentType the {@code Content-Type} to send
     * @param bytes the file as it is
     * @param gzip the gzip-compressed file, when compressing it saves bytes
     * @param etag a strong entity tag over {@code bytes}
     */
    public record Asset(String name, String contentType, byte[] bytes, Optional<byte[]> gzip, String etag) {
    }

    /**
     * Reads and prepares every asset.
     *
     * @throws IllegalStateException when a file is missing from the jar (a broken build)
     */
    public static ConsoleAssets load() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : OWN_FILES) {
            files.put(name, read(BASE + name));
        }
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        files.put("uPlot.min.js", readWebJar(uplot + "uPlot.iife.min.js"));
        files.put("uPlot.min.css", readWebJar(uplot + "uPlot.min.css"));
        MessageDigest digest = sha256();
        files.forEach((name, bytes) -> {
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update(bytes);
        });
        String version = HexFormat.of().formatHex(digest.digest(), 0, 6);
        Map<String, Asset> assets = new LinkedHashMap<>();
        files.forEach((name, bytes) -> assets.put(name, asset(name, bytes)));
        String html = new String(read(BASE + "index.html"), StandardCharsets.UTF_8).replace(VERSION_TOKEN, version);
        Asset index = asset("index.html", html.getBytes(StandardCharsets.UTF_8));
        return new ConsoleAssets(version, index, Map.copyOf(assets));
    }

    /** The hash naming the current asset directory. */
    public String version() {
        return version;
    }

    /** The page that loads the console, referring to the current version's assets. */
    public Asset index() {
        return index;
    }

    /** The asset of that name, when {@code requestedVersion} is the current one. */
    public Optional<Asset> asset(String requestedVersion, String name) {
        return version.equals(requestedVersion) ? Optional.ofNullable(assets.get(name)) : Optional.empty();
    }

    private static String uplotVersion() {
        Properties properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(readWebJar(UPLOT_PROPERTIES)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the uPlot WebJar's metadata", e);
        }
        return properties.getProperty("version");
    }

    private static Asset asset(String name, byte[] bytes) {
        String type = contentType(name);
        Optional<byte[]> gzip = Optional.empty();
        if (bytes.length >= MIN_COMPRESSED_BYTES) {
            byte[] compressed = gzip(bytes);
            if (compressed.length < bytes.length * 9L / 10) {
                gzip = Optional.of(compressed);
            }
        }
        String etag = "\"" + HexFormat.of().formatHex(sha256().digest(bytes), 0, 8) + "\"";
        return new Asset(name, type, bytes, gzip, etag);
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalArgumentException("no content type for console asset '" + name + "'");
        };
    }

    /** One of the console's own files, beside this class. */
    private static byte[] read(String resource) {
        return read(resource, ConsoleAssets.class.getResourceAsStream(resource));
    }

    /**
     * A file of the WebJar, another jar: through the class loader, which searches every jar (on the
     * module path too, where {@link Class#getResourceAsStream} would search only this module).
     */
    private static byte[] readWebJar(String resource) {
        return read(resource, ConsoleAssets.class.getClassLoader().getResourceAsStream(resource));
    }

    private static byte[] read(String resource, InputStream stream) {
        try (InputStream in = stream) {
            if (in == null) {
                throw new IllegalStateException("console asset '" + resource + "' is missing from the class path (a broken build)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading console asset '" + resource + "'", e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("compressing in memory failed", e);
        }
        return out.toByteArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
