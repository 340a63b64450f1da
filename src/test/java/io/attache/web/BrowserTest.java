package io.attache.web;

import com.sun.net.httpserver.HttpServer;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.ShareLinks;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web app in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium), against a real server: one signed-in browser goes through the cases in order, and a
 * second one without cookies plays the visitor of a share link. With
 * {@code -Dattache.screenshots=DIR} it also saves the README's screenshots there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    TestServer server;
    Drive drive;
    ChromeDriver browser;
    Path downloads;
    Path local;
    final Random random = new Random(12);

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        server = TestServer.start(dir.resolve("data"));
        server.attache().users.add("alice", TestServer.PASSWORD.toCharArray(), null, true);
        drive = server.attache().files.drive(server.attache().users.find("alice").orElseThrow().id());
        LargeListingTest.fill(server, "alice");
        downloads = Files.createDirectories(dir.resolve("downloads"));
        local = Files.createDirectories(dir.resolve("local"));
        browser = chromium("main", downloads);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            server.close();
        }
    }

    /** A fresh Chromium with its own profile: no cookies, no storage, nothing downloaded. */
    private ChromeDriver chromium(String profile, Path downloadTo) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,800", "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + dir.resolve("profile-" + profile));
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloadTo.toString(),
                "download.prompt_for_download", false, "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
        return driver;
    }

    /**
     * Waits for {@code condition}. The file list is virtual: it replaces its row elements as it
     * re-renders, so an element found a moment ago may be gone; the condition is then tried again.
     */
    private <T> T until(WebDriver driver, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    private WebElement find(String css) {
        return until(browser, d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private Object js(WebDriver driver, String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Opens a view; opening the one shown already reloads it, as a person would. */
    private void go(String hash) {
        String url = server.webUrl() + "/" + hash;
        if (url.equals(browser.getCurrentUrl())) {
            browser.navigate().refresh();
        } else {
            browser.get(url);
        }
    }

    private void screenshot(String name) throws Exception {
        String target = System.getProperty("attache.screenshots");
        if (target != null) {
            Path file = Path.of(target).resolve(name + ".png");
            Files.createDirectories(file.getParent());
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        }
    }

    private Path localFile(String relative, int size) throws Exception {
        Path file = local.resolve(relative);
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
        return file;
    }

    /** The file input, shown so that a file can be chosen into it as a person would. */
    private void choose(String id, Path file) {
        WebElement input = browser.findElement(By.id(id));
        js(browser, "arguments[0].hidden = false;", input);
        input.sendKeys(file.toString());
        js(browser, "arguments[0].hidden = true;", input);
    }

    private void waitForUpload(String path) {
        until(browser, d -> {
            List<WebElement> rows = d.findElements(By.cssSelector(".upload[data-path='" + path + "']"));
            if (rows.isEmpty()) {
                return false;
            }
            String state = rows.get(0).getAttribute("data-state");
            assertFalse("failed".equals(state), path + " failed: " + rows.get(0).getText());
            return "done".equals(state) && rows.get(0).findElement(By.className("percent")).getText().equals("100%");
        });
    }

    private WebElement row(String name) {
        try {
            return find(".vlist-rows .row[data-name='" + name + "']");
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no row " + name + " at " + browser.getCurrentUrl() + " in:\n"
                    + browser.findElement(By.tagName("body")).getText(), e);
        }
    }

    private void rowAction(String name, String action) {
        row(name);
        until(browser, d -> {
            d.findElement(By.cssSelector(".vlist-rows .row[data-name='" + name + "'] [data-action='" + action + "']")).click();
            return true;
        });
    }

    private void clickName(String name) {
        row(name);
        until(browser, d -> {
            d.findElement(By.cssSelector(".vlist-rows .row[data-name='" + name + "'] .name a")).click();
            return true;
        });
    }

    private void answer(String value) {
        WebElement input = find("dialog[open] input");
        input.clear();
        input.sendKeys(value);
        browser.findElement(By.cssSelector("dialog[open] [data-action='ok']")).click();
    }

    @Test
    @Order(1)
    void signIn() {
        browser.get(server.webUrl() + "/");
        find("#signin-user").sendKeys("alice");
        browser.findElement(By.id("signin-password")).sendKeys("wrong password");
        browser.findElement(By.id("signin-submit")).click();
        until(browser, d -> d.findElement(By.id("signin-error")).getText().contains("Wrong"));
        browser.findElement(By.id("signin-password")).clear();
        browser.findElement(By.id("signin-password")).sendKeys(TestServer.PASSWORD);
        browser.findElement(By.id("signin-submit")).click();
        until(browser, d -> d.findElement(By.id("who")).getText().equals("alice"));
        row("Big");
    }

    @Test
    @Order(2)
    void uploadsOfAFileAndAFolderReachOneHundredPercent() throws Exception {
        Path report = localFile("report.bin", 6_000_000);
        choose("upload-files", report);
        Path trip = local.resolve("Trip");
        localFile("Trip/day1.jpg", 200_000);
        localFile("Trip/day2.jpg", 300_000);
        localFile("Trip/notes/list.txt", 1_000);
        choose("upload-folder", trip);
        waitForUpload("/report.bin");
        waitForUpload("/Trip/day1.jpg");
        waitForUpload("/Trip/day2.jpg");
        waitForUpload("/Trip/notes/list.txt");
        row("Trip");
        assertEquals(6_000_000, drive.get(DavPath.parse("/report.bin")).size());
        assertEquals(300_000, drive.get(DavPath.parse("/Trip/day2.jpg")).size());
        go("#/transfers");
        until(browser, d -> d.findElements(By.cssSelector("#server-uploads tr[data-path='/report.bin'][data-state='stored']")).size() == 1);
        find("#write-through-note");
        assertTrue(find("#live-state").getText().contains("live"));
        screenshot("transfers");
    }

    @Test
    @Order(3)
    void createRenameMoveDeleteAndRestore() throws Exception {
        go("#/files/");
        find("#new-folder").click();
        answer("Projects");
        row("Projects");
        drive.write(DavPath.parse("/notes.txt"), new ByteArrayInputStream("plans".getBytes(StandardCharsets.UTF_8)), "text/plain");
        go("#/files/Trip");
        go("#/files/");
        rowAction("notes.txt", "rename");
        answer("notes-2026.txt");
        row("notes-2026.txt");
        rowAction("notes-2026.txt", "move");
        answer("/Projects");
        until(browser, d -> d.findElements(By.cssSelector(".row[data-name='notes-2026.txt']")).isEmpty());
        clickName("Projects");
        row("notes-2026.txt");
        assertEquals("/Projects", find("#crumbs a:last-child").getAttribute("data-path"));
        rowAction("notes-2026.txt", "delete");
        find("dialog[open] [data-action='ok']").click();
        until(browser, d -> d.findElements(By.cssSelector(".row[data-name='notes-2026.txt']")).isEmpty());
        assertTrue(drive.find(DavPath.parse("/Projects/notes-2026.txt")).isEmpty());
        go("#/trash");
        find("#trash-items tr[data-path='/Projects/notes-2026.txt'] [data-action='restore']").click();
        until(browser, d -> d.findElements(By.cssSelector("#trash-items tr[data-path='/Projects/notes-2026.txt']")).isEmpty());
        go("#/files/Projects");
        row("notes-2026.txt");
        assertEquals("plans", new String(drive.open(DavPath.parse("/Projects/notes-2026.txt")).entry().name().isEmpty()
                ? new byte[0] : read("/Projects/notes-2026.txt"), StandardCharsets.UTF_8));
    }

    private byte[] read(String path) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        var file = drive.open(DavPath.parse(path));
        file.copyRange(0, file.entry().size(), out);
        return out.toByteArray();
    }

    @Test
    @Order(4)
    void searchFindsFilesAcrossFolders() {
        go("#/files/");
        WebElement search = find("#search-input");
        search.sendKeys("day");
        search.sendKeys(org.openqa.selenium.Keys.ENTER);
        row("day1.jpg");
        row("day2.jpg");
        until(browser, d -> d.findElement(By.id("status-line")).getText().equals("2 found"));
        assertEquals("/Trip/day1.jpg", until(browser, d -> d.findElement(By.cssSelector(".row[data-name='day1.jpg']"))
                .getAttribute("data-path")));
    }

    /**
     * A folder and a file dropped on the list as from the desktop: Chromium's own drag events
     * (DevTools Input.dispatchDragEvent with file paths, as the window system hands them over),
     * so the app's drop handler walks the real directory entries the browser gives it.
     */
    @Test
    @Order(10)
    void aFolderAndAFileDroppedOnTheListAreUploadedWithTheirTree() throws Exception {
        drive.mkdir(DavPath.parse("/Drops"));
        Path album = local.resolve("Album");
        Path cover = localFile("Album/cover.jpg", 150_000);
        Path track = localFile("Album/disc 1/track 01.txt", 3_000);
        Path loose = localFile("loose.bin", 20_000);
        go("#/files/Drops");
        until(browser, d -> d.findElement(By.id("status-line")).getText().contains("empty"));
        Map<?, ?> box = (Map<?, ?>) js(browser, "const r = document.getElementById('file-list').getBoundingClientRect();"
                + "return {x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2)};");
        Map<String, Object> data = Map.of("items", List.of(), "files", List.of(album.toString(), loose.toString()),
                "dragOperationsMask", 1);
        for (String type : List.of("dragEnter", "dragOver", "drop")) {
            browser.executeCdpCommand("Input.dispatchDragEvent", Map.of("type", type,
                    "x", ((Number) box.get("x")).intValue(), "y", ((Number) box.get("y")).intValue(), "data", data));
        }
        waitForUpload("/Drops/Album/cover.jpg");
        waitForUpload("/Drops/Album/disc 1/track 01.txt");
        waitForUpload("/Drops/loose.bin");
        assertArrayEquals(Files.readAllBytes(cover), read("/Drops/Album/cover.jpg"));
        assertArrayEquals(Files.readAllBytes(track), read("/Drops/Album/disc%201/track%2001.txt"));
        assertArrayEquals(Files.readAllBytes(loose), read("/Drops/loose.bin"));
        row("Album");
        row("loose.bin");
    }

    @Test
    @Order(11)
    void theFileManagerAsPeopleSeeIt() throws Exception {
        drive.mkdir(DavPath.parse("/Documents"));
        drive.mkdir(DavPath.parse("/Photos 2026"));
        for (String[] file : new String[][]{{"Budget 2026.xlsx", "48213"}, {"Holiday in Lisbon.mp4", "734003200"},
                {"Reading list.md", "2210"}, {"Scan of the lease.pdf", "1873920"}, {"Sunset.jpg", "3452816"}}) {
            drive.write(DavPath.parse("/" + file[0].replace(" ", "%20")),
                    new ByteArrayInputStream(new byte[Math.min(Integer.parseInt(file[1]), 4096)]), null);
        }
        browser.get(server.webUrl() + "/");
        row("Sunset.jpg");
        screenshot("file-manager");
    }

    @Test
    @Order(5)
    void twentyThousandEntriesScrollInAVirtualList() {
        go("#/files/Big");
        until(browser, d -> d.findElement(By.id("status-line")).getText().equals("0 folders, 20,000 files"));
        long rendered = (Long) js(browser, "return document.querySelectorAll('#file-list .row').length;");
        assertTrue(rendered > 5 && rendered < 100, "only the rows in view are in the page: " + rendered);
        js(browser, "const l = document.getElementById('file-list'); l.scrollTop = l.scrollHeight;");
        row("file-19999.txt");
        long after = (Long) js(browser, "return document.querySelectorAll('#file-list .row').length;");
        assertTrue(after < 100, "still only the rows in view: " + after);
        browser.findElement(By.cssSelector(".list-head [data-sort='name']")).click();
        js(browser, "document.getElementById('file-list').scrollTop = 0;");
        row("file-19999.txt");
    }

    @Test
    @Order(6)
    void aFolderDownloadsAsAZipWithItsContent() throws Exception {
        go("#/files/Trip");
        row("day1.jpg");
        find("#zip-folder").click();
        Path zip = downloads.resolve("Trip.zip");
        until(browser, d -> Files.exists(zip) && !Files.exists(downloads.resolve("Trip.zip.crdownload")));
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertEquals(List.of("day1.jpg", "day2.jpg", "notes/", "notes/list.txt"), List.copyOf(entries.keySet()));
        for (String name : List.of("day1.jpg", "day2.jpg", "notes/list.txt")) {
            assertArrayEquals(Files.readAllBytes(local.resolve("Trip").resolve(name)), entries.get(name), name);
        }
    }

    @Test
    @Order(7)
    void aShareLinkOpensWithoutCookiesAndItsVideoSeeksWithRanges() throws Exception {
        try (InputStream clip = BrowserTest.class.getResourceAsStream("clip.webm")) {
            drive.write(DavPath.parse("/Trip/clip.webm"), clip, "video/webm");
        }
        go("#/files/Trip");
        rowAction("clip.webm", "share");
        find("#share-create").click();
        String url = find("#share-url").getAttribute("value");
        assertTrue(url.startsWith(server.webUrl() + "/s/"), url);
        screenshot("share-dialog");
        double before = seeks();
        ChromeDriver visitor = chromium("visitor", downloads);
        try {
            // A slow network, so that the player cannot have the whole file before it seeks.
            org.openqa.selenium.chromium.ChromiumNetworkConditions slow = new org.openqa.selenium.chromium.ChromiumNetworkConditions();
            slow.setLatency(Duration.ofMillis(20));
            slow.setDownloadThroughput(256 * 1024);
            slow.setUploadThroughput(256 * 1024);
            visitor.setNetworkConditions(slow);
            visitor.get(url);
            until(visitor, d -> d.findElements(By.cssSelector("video")).size() == 1);
            assertTrue(visitor.manage().getCookies().isEmpty(), "no session: a visitor");
            Object duration = visitor.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const v = document.querySelector('video');
                    const go = () => { v.addEventListener('seeked', () => done(v.duration), {once: true}); v.currentTime = 25; };
                    if (v.readyState >= 1) { go(); } else { v.addEventListener('loadedmetadata', go, {once: true}); }
                    v.addEventListener('error', () => done('error ' + (v.error && v.error.message)), {once: true});
                    """);
            assertEquals(30.0, ((Number) duration).doubleValue(), 0.5, "the video loaded: " + duration);
            assertTrue(((Number) visitor.executeScript("return document.querySelector('video').currentTime;")).doubleValue() >= 24.9);
            until(visitor, d -> seeks() > before);
            if (System.getProperty("attache.screenshots") != null) {
                Files.write(Path.of(System.getProperty("attache.screenshots")).resolve("share-link.png"),
                        visitor.getScreenshotAs(OutputType.BYTES));
            }
        } finally {
            visitor.quit();
        }
    }

    /** Share-link range requests that started past the first byte: seeks that reached the server. */
    private double seeks() {
        return server.attache().metrics.get("attache.share.range.requests").tag("from", "offset").counter().count();
    }

    @Test
    @Order(8)
    void aForgedRequestFromAnotherOriginIsRefused() throws Exception {
        String target = server.webUrl();
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("""
                <!DOCTYPE html><html><body>
                <form id="f" method="POST" action="%s/api/mkdir" enctype="text/plain">
                <input name='{"path":"/forged-form","x":"' value='"}'></form>
                <script>
                fetch('%s/api/mkdir', {method: 'POST', credentials: 'include', mode: 'no-cors',
                  headers: {'Content-Type': 'text/plain'}, body: JSON.stringify({path: '/forged-fetch'})})
                  .finally(() => document.getElementById('f').submit());
                </script></body></html>""").formatted(target, target).getBytes(StandardCharsets.UTF_8);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        attacker.start();
        try {
            browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
            until(browser, d -> d.getCurrentUrl().startsWith(target + "/api/mkdir"));
            until(browser, d -> d.getPageSource().contains("refused"));
        } finally {
            attacker.stop(0);
        }
        assertTrue(drive.find(DavPath.parse("/forged-form")).isEmpty(), "the form's POST was refused");
        assertTrue(drive.find(DavPath.parse("/forged-fetch")).isEmpty(), "the script's POST was refused");
    }

    @Test
    @Order(9)
    void aScriptInAnHtmlFileNeverRunsThroughTheAppOrAShareLink() throws Exception {
        byte[] html = """
                <!DOCTYPE html><html><head><title>evil</title></head><body><p>hello</p><script>
                localStorage.setItem('pwned', 'yes'); document.title = 'pwned';
                fetch('/api/mkdir', {method: 'POST', headers: {'Content-Type': 'application/json'},
                  body: JSON.stringify({path: '/made-by-script'})});
                </script></body></html>""".getBytes(StandardCharsets.UTF_8);
        drive.write(DavPath.parse("/evil.html"), new ByteArrayInputStream(html), "text/html");
        go("#/files/");
        clickName("evil.html");
        assertTrue(find("#preview-text").getText().contains("localStorage.setItem"), "shown as its source text");
        find("[data-action='close-preview']").click();
        browser.get(server.webUrl() + "/api/file/evil.html?inline=1");
        Thread.sleep(1_000);
        ShareLinks.Created link = server.attache().shares.create(drive.userId(), DavPath.parse("/evil.html"), null, null);
        browser.get(server.webUrl() + "/s/" + link.token() + "/file");
        Thread.sleep(1_000);
        browser.get(server.webUrl() + "/");
        find("#who");
        assertNull(js(browser, "return localStorage.getItem('pwned');"), "the script never ran in the app's origin");
        assertFalse(browser.getTitle().contains("pwned"));
        assertTrue(drive.find(DavPath.parse("/made-by-script")).isEmpty());
        Entry evil = drive.get(DavPath.parse("/evil.html"));
        assertEquals("text/html", evil.contentType());
    }

    @Test
    @Order(12)
    void adminPagesShowUsersAndStoreHealth() throws Exception {
        go("#/admin");
        find("#admin-users tr[data-user='alice']");
        String status = find("#admin-status dl").getText();
        screenshot("admin");
        assertTrue(status.contains("local"), status);
        go("#/shares");
        find("#share-links tr[data-id]");
    }
}
