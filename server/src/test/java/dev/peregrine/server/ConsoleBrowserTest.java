package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.NackAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real headless Chromium, used as a person would: events are appended over
 * the HTTP API and the pages must show them. One server and one browser for the class; each test
 * uses its own event types and entities. Every test saves a screenshot under
 * {@code target/console-screenshots/} and fails on any error in the browser's console.
 */
class ConsoleBrowserTest {
    @TempDir
    static Path data;
    @TempDir
    static Path logSnapshots;
    static ListServerLog log;
    static TestServer server;
    static ConsoleBrowser browser;

    @BeforeAll
    static void start() {
        log = new ListServerLog(logSnapshots);
        server = new TestServer(data, builder -> builder.serverLog(log));
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

    @AfterEach
    void backToWideWindow() {
        if (browser != null) {
            browser.resize(1280, 800);
        }
    }

    static long append(String type, String entity, String payload) {
        TestServer.Response response = server.postJson("/api/v1/events", EventApiTest.event(type, entity, payload));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("position").asLong();
    }

    @Test
    void dashboardCountersAndChartsFollowAppends() {
        browser.go("", "dashboard");
        browser.awaitText("#card-durability", Pattern.compile("fsync"));
        assertThat(browser.find("#warnings").getText()).contains("authentication disabled");
        long before = server.get("/api/v1/stats").json().get("total_events").asLong();
        for (int i = 0; i < 20; i++) {
            append("dash.tick", "dash-" + (i % 4), "{\"i\":" + i + "}");
        }
        String expected = Long.toString(before + 20);
        browser.await(d -> browser.find("#stat-total-events").getText().replaceAll("\\D", "").equals(expected));
        // The stored-events chart reaches the count, and every chart has its samples.
        browser.await(d -> Double.parseDouble(attribute("#chart-stored", "data-last", "0")) >= before + 20);
        browser.await(d -> (Boolean) browser.script("return [...document.querySelectorAll('#charts .chart')]"
                + ".every(f => Number(f.dataset.points) > 0) && document.querySelectorAll('#charts canvas').length >= 9"));
        assertThat(browser.findAll("#charts .chart-figure")).hasSize(9);
        browser.screenshot("dashboard");
        browser.script("document.getElementById('charts').scrollIntoView()");
        browser.screenshot("dashboard-charts");
        browser.assertNoErrors();
    }

    private static String attribute(String css, String name, String otherwise) {
        List<WebElement> found = browser.findAll(css);
        String value = found.isEmpty() ? null : found.getFirst().getDomAttribute(name);
        return value == null || value.isEmpty() ? otherwise : value;
    }

    @Test
    void eventsPageQueriesAndPagesWithTheCursor() {
        for (int i = 1; i <= 30; i++) {
            append("page.test", "pager-" + i, "{\"n\":" + i + ",\"nested\":{\"ok\":true}}");
        }
        append("page.other", "pager-x", "{}");
        browser.go("#/events", "events");
        browser.find("#q-event-type").sendKeys("page.test");
        new Select(browser.find("#q-limit")).selectByValue("25");
        browser.find("#q-run").click();
        browser.awaitText("#page-info", Pattern.compile("events 1–25"));
        assertThat(rowCount()).isEqualTo(25);
        assertThat(browser.driver().getCurrentUrl()).contains("event_type=page.test");

        browser.click("#page-next");
        browser.awaitText("#page-info", Pattern.compile("page 2: events 26–30"));
        assertThat(rowCount()).isEqualTo(5);
        assertThat(browser.find("#page-next").isEnabled()).isFalse();
        List<WebElement> types = browser.findAll("#events-table tbody tr.event-row td:nth-child(3)");
        assertThat(types).extracting(WebElement::getText).containsOnly("page.test");

        // Expand the last event: its full JSON, payload included.
        browser.findAll("#events-table button.expand").getLast().click();
        String json = browser.await(d -> {
            List<WebElement> shown = browser.findAll("#events-table tr.detail:not([hidden]) pre.json");
            return shown.isEmpty() ? null : shown.getFirst().getText();
        });
        assertThat(json).contains("\"entity_id\": \"pager-30\"").contains("\"n\": 30").contains("\"ok\": true");
        browser.screenshot("events");

        browser.click("#page-prev");
        browser.awaitText("#page-info", Pattern.compile("page 1: events 1–25"));
        // The export follows the cursors past the page shown: all 30, in pages of its own.
        browser.click("#export-ndjson");
        browser.awaitText("#results .panel-status", Pattern.compile("Exported 30 events"));
        browser.assertNoErrors();
    }

    private static int rowCount() {
        return browser.findAll("#events-table tbody tr.event-row").size();
    }

    @Test
    void liveTailShowsNewEventsAndResumesWithoutAGap() {
        browser.go("#/tail?event_type=tail.test", "tail");
        browser.awaitText("#t-state", Pattern.compile("live"));
        long first = append("tail.test", "tail-1", "{\"hello\":\"world\"}");
        append("tail.ignored", "tail-1", "{}");
        browser.await(d -> !browser.findAll("#tail-table tr[data-position='" + first + "']").isEmpty());
        assertThat(browser.find("#tail-table tr[data-position='" + first + "']").getText()).contains("tail.test", "world");

        browser.find("#t-pause").click();
        browser.awaitText("#t-state", Pattern.compile("paused"));
        long whilePaused = append("tail.test", "tail-2", "{\"during\":\"pause\"}");
        browser.find("#t-pause").click(); // Resume: Last-Event-ID brings the event sent while paused
        browser.await(d -> !browser.findAll("#tail-table tr[data-position='" + whilePaused + "']").isEmpty());
        assertThat(browser.findAll("#tail-table tbody tr")).hasSize(2); // the ignored type is filtered out
        browser.awaitText("#t-count", Pattern.compile("^2 received"));
        browser.screenshot("live-tail");
        browser.assertNoErrors();
    }

    @Test
    void entityTimeTravelShowsOlderStatesAndTheirDiff() {
        append("acct.opened", "acct-travel", "{\"owner\":\"Ann\",\"balance\":10,\"address\":{\"city\":\"Paris\"}}");
        append("acct.credited", "acct-travel", "{\"balance\":25,\"address\":{\"zip\":\"75001\"}}");
        append("acct.renamed", "acct-travel", "{\"owner\":\"Annie\",\"address\":null}");
        browser.go("#/entity", "entity");
        browser.find("#entity-search").sendKeys("TRAVEL", Keys.ENTER);
        browser.awaitText("#entity-find .panel-status", Pattern.compile("1 found; the whole log was searched"));
        assertThat(browser.findAll("#entity-matches a")).extracting(WebElement::getText).containsExactly("acct-travel");
        browser.find("#entity-matches a").click();
        browser.awaitText("#version-label", Pattern.compile("version 3 of 3"));
        browser.awaitText("#state-json", Pattern.compile("Annie"));
        assertThat(browser.find("#state-json").getText()).doesNotContain("address");
        assertThat(browser.find("#state-diff").getText()).contains("address", "removed", "owner", "\"Ann\" → \"Annie\"");

        // Keyboard on the slider: Home goes to the first version.
        browser.find("#version-slider").sendKeys(Keys.HOME);
        browser.awaitText("#version-label", Pattern.compile("version 1 of 3"));
        browser.awaitText("#state-json", Pattern.compile("Paris"));
        assertThat(browser.find("#state-json").getText()).contains("\"balance\": 10").doesNotContain("75001");
        browser.find("#version-slider").sendKeys(Keys.ARROW_RIGHT);
        browser.awaitText("#version-label", Pattern.compile("version 2 of 3"));
        browser.awaitText("#state-json", Pattern.compile("75001"));
        assertThat(browser.find("#state-json").getText()).contains("\"city\": \"Paris\"", "\"balance\": 25");
        assertThat(browser.find("#state-diff").getText()).contains("address.zip", "added", "balance", "10 → 25");
        browser.screenshot("entity");

        browser.find("#entity-delete").click();
        WebElement confirm = browser.find("dialog.confirm button.danger");
        assertThat(confirm.isEnabled()).isFalse();
        browser.find("dialog.confirm input").sendKeys("acct-travel");
        confirm.click();
        browser.awaitText("#entity-deleted", Pattern.compile("deleted"));
        assertThat(server.get("/api/v1/entities/acct-travel/state").status()).isEqualTo(410);
        browser.assertNoErrors();
    }

    @Test
    void viewEditorShowsTheServersErrorThenCreatesTheView() {
        append("shop.order", "order-1", "{\"customer\":\"ann\",\"total\":10}");
        append("shop.order", "order-2", "{\"customer\":\"bob\",\"total\":5}");
        append("shop.order", "order-3", "{\"customer\":\"ann\",\"total\":7}");
        browser.go("#/views", "views");
        String bad = "{\"name\": \"shop_totals\", \"event_types\": [\"shop.order\"],\n"
                + " \"group_by\": [{\"field\": \"customer\", \"as\": \"customer\"}],\n"
                + " \"aggregates\": [{\"fn\": \"count\", \"as\": \"orders\"}, {\"fn\": \"median\", \"field\": \"total\", \"as\": \"mid\"}]}";
        setEditor(bad);
        browser.find("#view-create-submit").click();
        String error = browser.awaitText("#view-error", Pattern.compile("\\S"));
        assertThat(error).contains("aggregates[1]").contains("median");
        assertThat(browser.find("#view-editor").getDomAttribute("aria-invalid")).isEqualTo("true");
        // The editor selected the offending key.
        Object selected = browser.script("const e = document.getElementById('view-editor');"
                + " return e.value.slice(e.selectionStart, e.selectionEnd);");
        assertThat(selected).isEqualTo("\"fn\"");
        browser.screenshot("view-error");

        setEditor(bad.replace("median", "sum").replace("\"mid\"", "\"revenue\""));
        browser.find("#view-create-submit").click();
        browser.await(d -> browser.driver().getCurrentUrl().contains("name=shop_totals"));
        browser.await(d -> browser.findAll("#view-rows-table tbody tr").size() == 2);
        // Sort by revenue, descending on the second click.
        WebElement revenue = browser.find("#view-rows-table th[data-column='revenue'] button");
        revenue.click();
        browser.find("#view-rows-table th[data-column='revenue'] button").click();
        browser.await(d -> "descending".equals(browser.find("#view-rows-table th[data-column='revenue']").getDomAttribute("aria-sort")));
        List<String> firstColumn = browser.findAll("#view-rows-table tbody tr td:first-child").stream().map(WebElement::getText).toList();
        assertThat(firstColumn).containsExactly("ann", "bob");
        assertThat(browser.find("#views-table").getText()).contains("shop_totals");
        browser.screenshot("views");
        browser.assertNoErrors(Pattern.compile("/api/v1/views - Failed to load resource: the server responded with a status of 400"));
    }

    private static void setEditor(String text) {
        WebElement editor = browser.find("#view-editor");
        editor.clear();
        editor.sendKeys(text);
    }

    @Test
    void serverLogFiltersFollowsNewLinesAndDownloadsASnapshot() {
        log.add("DEBUG", "dev.peregrine.store.internal.StoreEngine", "opened store: 0 events");
        log.add("INFO", "dev.peregrine.server.PeregrineServer", "listening on http://127.0.0.1");
        browser.go("#/log", "log");
        browser.awaitText("#log-table tbody", Pattern.compile("listening on"));
        assertThat(browser.find("#log-table tbody").getText()).contains("opened store");

        ServerLog.Line warning = log.add("WARN", "dev.peregrine.server.ConnectionGuard", "slow client: closed after 30 s");
        browser.await(d -> !browser.findAll("#log-table tr[data-sequence='" + warning.sequence() + "']").isEmpty());
        assertThat(browser.find("#log-table tr[data-sequence='" + warning.sequence() + "']").getText())
                .contains("WARN", "ConnectionGuard", "slow client");

        new Select(browser.find("#log-level")).selectByValue("WARN");
        browser.await(d -> browser.findAll("#log-table tbody tr").size() == 1);
        assertThat(browser.driver().getCurrentUrl()).contains("level=WARN");
        browser.screenshot("server-log");

        browser.click("#log-snapshot");
        browser.awaitText("#log-lines .panel-status", Pattern.compile("Snapshot snapshot-\\d+\\.txt written on the server and downloaded"));
        browser.assertNoErrors();
    }

    @Test
    void consumerGroupsPageShowsMembersInFlightParkedAndLagAndReplaysParkedAfterConfirmation() throws Exception {
        TestServer.Response created = server.postJson("/api/v1/consumer-groups",
                "{\"name\":\"console-billing\",\"event_types\":[\"grp.test\"],\"strategy\":\"round_robin\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        for (int i = 0; i < 12; i++) {
            append("grp.test", "grp-" + (i % 6), "{\"i\":" + i + "}");
        }
        ConsumerGroup group = server.server().store().subscriptions().findGroup("console-billing").orElseThrow();
        GroupMember worker = group.join("worker-a", 8);
        List<Long> parked = new ArrayList<>();
        List<Delivery> held = new ArrayList<>();
        // Six entities are ready at once: park three, hold two unsettled, acknowledge the rest.
        for (int i = 0; i < 8; i++) {
            Delivery d = worker.poll(Duration.ofSeconds(30)).orElseThrow();
            if (i < 3) {
                parked.add(d.event().position());
                d.nack(NackAction.PARK, "console test " + i);
            } else if (i < 5) {
                held.add(d);
            } else {
                d.ack();
            }
        }
        browser.go("#/groups", "groups");
        browser.await(d -> !browser.findAll("#groups-table tr[data-name='console-billing']").isEmpty());
        browser.await(d -> browser.find("#groups-table tr[data-name='console-billing']").getText().contains("round robin"));
        browser.await(d -> !browser.find("#open-streams").getText().equals("–"));
        // Into the group with the keyboard: its link, then Enter.
        WebElement link = browser.find("#groups-table tr[data-name='console-billing'] a");
        link.sendKeys(Keys.ENTER);
        browser.await(d -> !browser.findAll("#members-table tr[data-member='worker-a']").isEmpty());
        browser.awaitText("#group-in-flight", Pattern.compile("^2$"));
        browser.awaitText("#group-parked", Pattern.compile("^3$"));
        assertThat(browser.find("#members-table tr[data-member='worker-a']").getText()).contains("2 / 8");
        assertThat(browser.findAll("#parked-table tbody tr")).hasSize(3);
        assertThat(browser.find("#parked-table").getText()).contains("console test 0", "console test 2");
        JsonNode info = server.get("/api/v1/consumer-groups/console-billing").json();
        browser.awaitText("#group-lag", Pattern.compile("^" + info.get("lag").asLong() + "$"));
        browser.await(d -> Integer.parseInt(attribute("#chart-one-group-lag", "data-points", "0")) >= 2
                && !browser.findAll("#chart-one-group-lag canvas").isEmpty()
                && !browser.findAll("#chart-group-lag canvas").isEmpty());
        browser.screenshot("consumer-groups");
        browser.script("document.getElementById('group-info').scrollIntoView()");
        browser.screenshot("consumer-groups-detail");

        // A replay asks first: Escape cancels, and nothing is replayed.
        WebElement replayOne = browser.find("#parked-table tr[data-position='" + parked.getFirst() + "'] button");
        replayOne.sendKeys(Keys.ENTER);
        browser.await(d -> !browser.findAll("dialog.confirm[open]").isEmpty());
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.await(d -> browser.findAll("dialog.confirm").isEmpty());
        assertThat(group.info().replaying()).isZero();
        browser.click("#replay-all");
        browser.await(d -> !browser.findAll("dialog.confirm[open]").isEmpty());
        assertThat(browser.find("dialog.confirm").getText()).contains("all 3 parked events");
        browser.screenshot("consumer-groups-replay");
        browser.find("dialog.confirm button.danger").click();
        browser.awaitText("#group-parked .panel-status", Pattern.compile("Replayed 3 parked events"));
        browser.awaitText("#group-replaying", Pattern.compile("^3$"));

        // The member receives the replays, oldest first, and settles everything: nothing stays parked.
        for (Delivery d : held) {
            d.ack();
        }
        List<Long> replayed = new ArrayList<>();
        while (group.info().parked() > 0 || group.acknowledgedPosition() < info.get("head_position").asLong()) {
            Delivery d = worker.poll(Duration.ofSeconds(30)).orElseThrow();
            if (parked.contains(d.event().position())) {
                replayed.add(d.event().position());
            }
            d.ack();
        }
        assertThat(replayed).containsExactlyElementsOf(parked);
        browser.awaitText("#parked-none", Pattern.compile("Nothing is parked"));
        browser.awaitText("#group-in-flight", Pattern.compile("^0$"));
        worker.close();
        browser.await(d -> browser.findAll("#members-table").isEmpty());

        browser.resize(390, 844);
        browser.go("#/groups?name=console-billing", "groups");
        browser.await(d -> !browser.findAll("#groups-table").isEmpty() && !browser.findAll("#group-settings").isEmpty());
        long overflow = (Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(overflow).as("horizontal overflow in pixels").isLessThanOrEqualTo(0);
        browser.screenshot("narrow-consumer-groups");
        browser.assertNoErrors();
    }

    @Test
    void keyboardReachesEveryPage() {
        browser.go("", "dashboard");
        String[][] pages = {{"2", "events", "Events"}, {"3", "tail", "Live tail"}, {"4", "entity", "Entity"},
                {"5", "views", "Views"}, {"6", "groups", "Consumer groups"}, {"7", "log", "Server log"},
                {"1", "dashboard", "Dashboard"}};
        for (String[] page : pages) {
            browser.find("body").sendKeys(page[0]);
            browser.await(d -> !browser.findAll("#page-" + page[1]).isEmpty());
            assertThat(browser.find("h1.page-title").getText()).isEqualTo(page[2]);
            assertThat(browser.find("#nav-" + page[1]).getDomAttribute("aria-current")).isEqualTo("page");
        }
        // Tab order: the brand link, then the navigation links, each followed with Enter.
        browser.go("#/dashboard", "dashboard");
        browser.script("document.activeElement.blur()");
        WebElement body = browser.find("body");
        body.sendKeys(Keys.TAB);
        for (String id : List.of("dashboard", "events", "tail", "entity", "views", "groups", "log")) {
            browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            assertThat(browser.driver().switchTo().activeElement().getDomAttribute("id")).isEqualTo("nav-" + id);
        }
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.await(d -> !browser.findAll("#page-log").isEmpty());
        browser.assertNoErrors();
    }

    @Test
    void narrowWindowFoldsTheNavigationAndNeverScrollsSideways() {
        append("narrow.test", "narrow-1", "{\"a\":1}");
        browser.resize(390, 844);
        browser.go("#/events?event_type=narrow.test", "events");
        browser.await(d -> rowCount() == 1);
        assertThat(browser.find("#nav").isDisplayed()).isFalse();
        WebElement toggle = browser.find("#menu-toggle");
        assertThat(toggle.isDisplayed()).isTrue();
        toggle.click();
        assertThat(browser.find("#nav").isDisplayed()).isTrue();
        assertThat(toggle.getDomAttribute("aria-expanded")).isEqualTo("true");
        browser.screenshot("narrow-events-menu");
        browser.find("#nav-dashboard").click();
        browser.await(d -> !browser.findAll("#page-dashboard").isEmpty());
        browser.await(d -> browser.findAll("#charts canvas").size() >= 9);
        assertThat(browser.find("#nav").isDisplayed()).isFalse();
        long overflow = (Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(overflow).as("horizontal overflow in pixels").isLessThanOrEqualTo(0);
        browser.screenshot("narrow-dashboard");
        browser.assertNoErrors();
    }

    @Test
    void theDarkThemeFollowsTheSystemSetting() {
        browser.go("#/events", "events");
        String light = (String) browser.script("return getComputedStyle(document.body).backgroundColor");
        browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            browser.go("", "dashboard");
            browser.await(d -> browser.findAll("#charts canvas").size() >= 9);
            String dark = (String) browser.script("return getComputedStyle(document.body).backgroundColor");
            assertThat(light).isEqualTo("rgb(246, 247, 249)");
            assertThat(dark).isEqualTo("rgb(17, 20, 24)");
            browser.screenshot("dashboard-dark");
        } finally {
            browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        browser.assertNoErrors();
    }

    @Test
    void firstLoadTransfersUnder300KilobytesAndSetsSecurityHeaders() {
        browser.go("", "dashboard");
        browser.await(d -> browser.findAll("#charts canvas").size() >= 9);
        Number transferred = (Number) browser.script("return performance.getEntriesByType('navigation')"
                + ".concat(performance.getEntriesByType('resource'))"
                + ".filter(e => !e.name.includes('/api/')).reduce((sum, e) => sum + e.encodedBodySize, 0)");
        assertThat(transferred.longValue()).isBetween(1L, 300_000L);
        TestServer.Response index = server.get("/");
        assertThat(index.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe");
        browser.assertNoErrors();
    }
}
