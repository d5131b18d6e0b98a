package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's sign-in on a server that requires credentials, in a real headless Chromium: an
 * unauthenticated visit lands on the login page, a refused key and a tenant key are told apart, an
 * admin user signs in with a password and a reader key with an API key (back to the page asked for),
 * signing out forgets the credential, and a key revoked mid-session leads back to the login.
 */
class ConsoleLoginBrowserTest {
    /** The 401s and 403s the test provokes are logged by the browser as failed loads. */
    private static final Pattern PROVOKED = Pattern.compile("status of 40[13]");

    @TempDir
    static Path data;
    static TestServer server;
    static ConsoleBrowser browser;
    static KeyRing keys;
    static String reader;
    static String readerId;
    static String tenantReader;

    @BeforeAll
    static void start() {
        keys = KeyRing.open(data);
        KeyRing.Created created = keys.create("console", Role.READER, null, null);
        reader = created.key();
        readerId = created.entry().id();
        tenantReader = keys.create("acme console", Role.READER, "acme", null).key();
        keys.addUser("operator", "correct horse", Role.ADMIN, null);
        server = new TestServer(data);
        browser = ConsoleBrowser.open("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void signingInOutAndARevokedKeyMidSession() {
        // Not signed in: the console goes to the login, keeping where the visitor wanted to go.
        browser.go("#/events", "login");
        assertThat(browser.driver().getCurrentUrl()).contains("next=%23%2Fevents");
        browser.awaitText("#server-status", Pattern.compile("sign in required"));
        assertThat(browser.find("#sign-out").isDisplayed()).isFalse();
        browser.screenshot("login");

        signIn("key", "pgk_0123456789abcdef_" + "x".repeat(43));
        browser.awaitText("#login-error", Pattern.compile("did not accept"));
        signIn("key", tenantReader);
        browser.awaitText("#login-error", Pattern.compile("bound to no tenant"));

        // A user and password (HTTP Basic), by keyboard: Enter submits the form.
        new Select(browser.find("#login-kind")).selectByValue("basic");
        browser.find("#login-user").sendKeys("operator");
        browser.find("#login-password").sendKeys("correct horse", Keys.ENTER);
        browser.await(d -> !d.findElements(org.openqa.selenium.By.id("page-events")).isEmpty());
        browser.awaitText("#server-status", Pattern.compile("^v"));
        assertThat(browser.find("#sign-out").isDisplayed()).isTrue();

        browser.click("#sign-out");
        browser.await(d -> !d.findElements(org.openqa.selenium.By.id("page-login")).isEmpty());
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);

        // An API key, then the key is revoked while the tab uses it: back to the login, told why.
        signIn("key", reader);
        browser.await(d -> !d.findElements(org.openqa.selenium.By.id("page-dashboard")).isEmpty());
        browser.awaitText("#card-durability", Pattern.compile("fsync"));
        keys.revoke(readerId);
        browser.await(d -> {
            // Navigate until a request is refused, never once the console has sent the tab to the
            // login: a navigation after that, with the credential cleared, would replace the login
            // that says why with a plain one.
            browser.script("if (!location.hash.startsWith('#/login')) location.hash = '#/views?t=' + Date.now()");
            return browser.findAll("#page-login").isEmpty() ? null : true;
        });
        browser.awaitText("#login-help", Pattern.compile("refused the credential"));

        // The form fits a phone's width.
        browser.resize(390, 800);
        assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
        browser.screenshot("login-narrow");
        browser.resize(1280, 800);
        browser.assertNoErrors(PROVOKED);
    }

    private static void signIn(String kind, String key) {
        new Select(browser.find("#login-kind")).selectByValue(kind);
        browser.find("#login-key").clear();
        browser.find("#login-key").sendKeys(key);
        browser.click("#login-submit");
    }
}
