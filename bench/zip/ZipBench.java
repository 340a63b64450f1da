import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The zip benchmark of bench/zip/run.sh: is a folder's zip, written on the fly by the web app, about
 * as fast as GETting the same files one after the other over WebDAV? JDK only, run as a source
 * file ({@code java ZipBench.java ...}); talks to 127.0.0.1 only; every loop is bounded.
 *
 * <pre>java ZipBench.java DAV_URL WEB_URL USER PASSWORD FILES BYTES_PER_FILE ROUNDS</pre>
 *
 * Uploads FILES generated files into /zipbench/, then runs ROUNDS rounds, each GETting every file
 * and the folder's zip (their order alternating between rounds), and prints each round and the
 * medians as MB/s of file content delivered, and the median of the rounds' zip/GET ratios.
 */
public final class ZipBench {

    private static final int BUFFER = 1 << 20;

    public static void main(String[] args) throws Exception {
        String dav = args[0];
        String web = args[1];
        String basic = "Basic " + Base64.getEncoder().encodeToString((args[2] + ":" + args[3]).getBytes(StandardCharsets.UTF_8));
        int files = Integer.parseInt(args[4]);
        long size = Long.parseLong(args[5]);
        int rounds = Integer.parseInt(args[6]);

        int made = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(dav + "/zipbench/"))
                .method("MKCOL", java.net.http.HttpRequest.BodyPublishers.noBody()).header("Authorization", basic).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        if (made != 201) {
            throw new IOException("MKCOL answered " + made);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < files; i++) {
            request(dav + "/zipbench/file-" + i + ".bin", "PUT", basic, random.split(), size);
        }
        String cookie = login(web, args[2], args[3]);
        long content = files * size;
        List<Double> gets = new ArrayList<>();
        List<Double> zips = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean zipFirst = round % 2 == 1;
            double zip = 0;
            if (zipFirst) {
                zip = zipRound(web, cookie, content);
            }
            long start = System.nanoTime();
            for (int i = 0; i < files; i++) {
                long got = drain(open(dav + "/zipbench/file-" + i + ".bin", "GET", basic, null));
                if (got != size) {
                    throw new IOException("GET of file " + i + " gave " + got + " bytes, not " + size);
                }
            }
            double get = mbPerSecond(content, System.nanoTime() - start);
            if (!zipFirst) {
                zip = zipRound(web, cookie, content);
            }
            gets.add(get);
            zips.add(zip);
            ratios.add(zip / get);
            System.out.printf("round %d: GET %.1f MB/s, zip %.1f MB/s, zip/GET %.2f%n", round + 1, get, zip, zip / get);
        }
        // The two halves of a round run back to back, so a round's ratio is the fairest figure on a
        // machine whose load changes from one second to the next; its median is the result.
        System.out.printf("files=%d bytes_each=%d get_mb_s=%.1f zip_mb_s=%.1f ratio=%.2f (median of the rounds' ratios)%n",
                files, size, median(gets), median(zips), median(ratios));
    }

    /** The zip of /zipbench: its length must exceed the content (headers, descriptors), never fall short. */
    private static double zipRound(String web, String cookie, long content) throws IOException {
        long start = System.nanoTime();
        long got = drain(open(web + "/api/zip/zipbench", "GET", null, cookie));
        long nanos = System.nanoTime() - start;
        if (got < content || got > content + content / 100 + (1 << 20)) {
            throw new IOException("the zip has " + got + " bytes for " + content + " bytes of content");
        }
        return mbPerSecond(content, nanos);
    }

    private static String login(String web, String user, String password) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(web + "/api/login").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.getOutputStream().write(("{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8));
        if (c.getResponseCode() != 200) {
            throw new IOException("sign-in answered " + c.getResponseCode());
        }
        Matcher m = Pattern.compile("attache_session=([^;]+)").matcher(c.getHeaderField("Set-Cookie"));
        if (!m.find()) {
            throw new IOException("no session cookie");
        }
        c.getInputStream().close();
        return "attache_session=" + m.group(1);
    }

    private static void request(String url, String method, String basic, SplittableRandom body, long size) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("Authorization", basic);
        if (body != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(size);
            byte[] buffer = new byte[BUFFER];
            try (OutputStream out = c.getOutputStream()) {
                for (long left = size; left > 0; ) {
                    body.nextBytes(buffer);
                    int n = (int) Math.min(buffer.length, left);
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        }
        int status = c.getResponseCode();
        if (status >= 300) {
            throw new IOException(method + " " + url + " answered " + status);
        }
        drain(c.getInputStream());
    }

    private static InputStream open(String url, String method, String basic, String cookie) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setReadTimeout(120_000);
        if (basic != null) {
            c.setRequestProperty("Authorization", basic);
        }
        if (cookie != null) {
            c.setRequestProperty("Cookie", cookie);
        }
        if (c.getResponseCode() != 200) {
            throw new IOException(method + " " + url + " answered " + c.getResponseCode());
        }
        return c.getInputStream();
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
            }
        }
        return total;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
