import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load of the cluster benchmark (bench/cluster/run.sh starts the nodes): CLIENTS clients,
 * spread round-robin over the nodes' URLs and over USERS users, each running one phase for
 * SECONDS: small PUTs (new files), GETs of what was written, PROPFIND Depth 1 of a user's
 * folder, and a metadata mix (MKCOL, PROPPATCH, MOVE, DELETE). Prints one line per phase:
 * requests per second and the median and 99th percentile latency. Any answer but the expected
 * one ends the run with an error, so a figure never counts failures as work.
 *
 *   java ClusterBench.java URL[,URL...] USERS CLIENTS SECONDS PASSWORD
 */
public final class ClusterBench {

    static final int FILE_BYTES = 4096;
    static final int FILES_PER_CLIENT = 100_000;

    record Phase(String name, long requests, double seconds, long[] latencies) {
        String line() {
            Arrays.sort(latencies);
            double p50 = latencies.length == 0 ? 0 : latencies[latencies.length / 2] / 1e6;
            double p99 = latencies.length == 0 ? 0 : latencies[Math.min(latencies.length - 1, (int) (latencies.length * 0.99))] / 1e6;
            return String.format("%-10s %8.0f req/s  p50 %6.1f ms  p99 %7.1f ms  (%d requests)", name, requests / seconds, p50,
                    p99, requests);
        }
    }

    interface Step {
        /** One request of client {@code client}, its {@code n}th; returns false when it has nothing more to do. */
        boolean run(Client client, int n) throws Exception;
    }

    static final class Client {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        final String base;
        final String user;
        final String auth;
        final int id;
        int written;
        final Random random;

        Client(String base, String user, String password, int id) {
            this.base = base;
            this.user = user;
            this.auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            this.id = id;
            this.random = new Random(id);
        }

        int send(String method, String path, byte[] body, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", auth)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode();
        }

        void expect(int status, String method, String path, byte[] body, String... headers) throws Exception {
            int got = send(method, path, body, headers);
            if (got != status) {
                throw new IllegalStateException(method + " " + base + path + " as " + user + ": " + got + ", expected " + status);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            // The clients' threads stop with the program, not one by one.
            System.exit(1);
        }
    }

    static void run(String[] args) throws Exception {
        String[] urls = args[0].split(",");
        int users = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        String password = args[4];
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            all.add(new Client(urls[i % urls.length], "bench" + (i % users), password, i));
        }
        for (Client c : all) {
            c.expect(201, "MKCOL", "/c" + c.id, null);
        }
        byte[] body = new byte[FILE_BYTES];
        new Random(1).nextBytes(body);
        List<Phase> phases = new ArrayList<>();
        phases.add(phase("put", all, seconds, (c, n) -> {
            c.expect(201, "PUT", "/c" + c.id + "/f" + n, body);
            c.written = n + 1;
            return n + 1 < FILES_PER_CLIENT;
        }));
        phases.add(phase("get", all, seconds, (c, n) -> {
            c.expect(200, "GET", "/c" + c.id + "/f" + c.random.nextInt(c.written), null);
            return true;
        }));
        phases.add(phase("propfind", all, seconds, (c, n) -> {
            c.expect(207, "PROPFIND", "/c" + c.id + "/", null, "Depth", "1");
            return true;
        }));
        String patch = "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:bench\"><D:set><D:prop>"
                + "<Z:n>1</Z:n></D:prop></D:set></D:propertyupdate>";
        phases.add(phase("metadata", all, seconds, (c, n) -> {
            String folder = "/c" + c.id + "/m" + n;
            c.expect(201, "MKCOL", folder, null);
            c.expect(207, "PROPPATCH", folder, patch.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/xml");
            c.expect(201, "MOVE", folder, null, "Destination", c.base + folder + "x");
            c.expect(204, "DELETE", folder + "x", null);
            return true;
        }));
        for (Phase p : phases) {
            System.out.println(p.line());
        }
    }

    static Phase phase(String name, List<Client> clients, int seconds, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<long[]>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (Client c : clients) {
            results.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int count = 0;
                for (int n = 0; running.get() && n < FILES_PER_CLIENT; n++) {
                    long t0 = System.nanoTime();
                    boolean more = step.run(c, n);
                    if (count < latencies.length) {
                        latencies[count++] = System.nanoTime() - t0;
                    }
                    if (!more) {
                        break;
                    }
                }
                return Arrays.copyOf(latencies, count);
            }));
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : results) {
            parts.add(f.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long total = parts.stream().mapToLong(a -> a.length).sum();
        long[] latencies = new long[(int) total];
        int i = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, latencies, i, part.length);
            i += part.length;
        }
        return new Phase(name, total, elapsed, latencies);
    }
}
