package io.attache.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The requests whose time curl measures, as it always did in this benchmark (so the figures stay
 * comparable with earlier runs): big PUTs and GETs, PROPFINDs, seeks. Credentials come from a
 * netrc file, only for servers that need them; no {@code Expect: 100-continue} round trip, so no
 * server pays for one.
 */
final class Curl {

    /** What curl reports: status, total time, time to the first byte, bytes received. */
    record Transfer(int status, double seconds, double firstByteSeconds, long bytes) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(960);
    private static final String WRITE_OUT = "%{http_code} %{time_total} %{time_starttransfer} %{size_download}";

    private final Processes processes;
    private final Path netrc;

    Curl(Processes processes, Path netrc) {
        this.processes = processes;
        this.netrc = netrc;
    }

    /** PUT of a whole file. */
    Transfer put(Server server, String path, Path file) throws IOException {
        return exchange(server, server.resolve(path), null, 0, "-T", file.toString(), "-o", "/dev/null");
    }

    /** PUT of a file's first bytes, streamed through curl's standard input ({@code head -c | curl -T -}). */
    Transfer putPrefix(Server server, String path, Path file, long bytes) throws IOException {
        return exchange(server, server.resolve(path), file, bytes, "-T", "-", "-o", "/dev/null");
    }

    Transfer get(Server server, String path, Path out) throws IOException {
        return exchange(server, server.resolve(path), null, 0, "-o", out.toString());
    }

    Transfer range(Server server, String path, long from, long to, Path out) throws IOException {
        return exchange(server, server.resolve(path), null, 0, "-r", from + "-" + to, "-o", out.toString());
    }

    Transfer propfind(Server server, String path, String depth, String body, Path out) throws IOException {
        return exchange(server, server.resolve(path), null, 0, "-X", "PROPFIND", "-H", "Depth: " + depth,
                "-H", "Content-Type: application/xml", "--data-binary", body, "-o", out.toString());
    }

    void mkcol(Server server, String path) throws IOException {
        Transfer t = exchange(server, server.resolve(path), null, 0, "-X", "MKCOL", "-o", "/dev/null");
        if (t.status() != 201) {
            throw new IOException(server.label() + " MKCOL " + path + ": status " + t.status());
        }
    }

    /** A request to a URL outside the servers under test (the emulator's CDN), without credentials. */
    Transfer plainRange(URI url, long from, long to) throws IOException {
        return exchange(null, url, null, 0, "-r", from + "-" + to, "-o", "/dev/null");
    }

    private Transfer exchange(Server server, URI url, Path stdin, long stdinBytes, String... args) throws IOException {
        LoadClient.loopback(url.toString());
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--connect-timeout", "5", "--max-time", "900",
                "-H", "Expect:", "-w", WRITE_OUT));
        if (server != null && server.authorization() != null) {
            command.addAll(List.of("--netrc-file", netrc.toString()));
        }
        command.addAll(List.of(args));
        command.add(url.toString());
        Processes.Result result = processes.run(command, Map.of(), stdin, stdinBytes, TIMEOUT);
        String[] fields = result.out().trim().split(" ");
        if (result.exit() != 0 || fields.length != 4) {
            throw new IOException("curl " + url + ": exit " + result.exit() + " " + result.err().trim());
        }
        return new Transfer(Integer.parseInt(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]),
                Long.parseLong(fields[3]));
    }
}
