package io.attache.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The result as Markdown: what ran where, one table per part with ratios, and the targets with a
 * verdict each. Pure formatting of what the parts measured; a part that did not run leaves its
 * rows out.
 */
final class Report {

    /** Where the run happened, collected before it started and after it ended. */
    record Machine(String date, String hardware, String loadBefore, String loadAfter, String attache, String before,
                   String java, String apache, String rclone, String dataDir) {
    }

    /** Everything measured; null for a part that did not run. */
    record Results(Map<String, PeerComparison.Figures> peers, List<HugePut.Figures> huge, DiscordStore.Figures discord,
                   List<FolderCopy.Figures> copies) {
    }

    private static final List<String> PEERS = List.of("attache", "before", "apache", "rclone");

    private final Knobs knobs;
    private final Machine machine;
    private final Results results;
    private final StringBuilder out = new StringBuilder();
    private final List<String> targets = new ArrayList<>();

    private Report(Knobs knobs, Machine machine, Results results) {
        this.knobs = knobs;
        this.machine = machine;
        this.results = results;
    }

    static String render(Knobs knobs, Machine machine, Results results) {
        return new Report(knobs, machine, results).render();
    }

    private String render() {
        line("## Attaché benchmark, " + machine.date());
        line("");
        line("Machine: " + machine.hardware() + "; load average " + machine.loadBefore() + " before, "
                + machine.loadAfter() + " after.");
        line("Attaché " + machine.attache() + ", " + machine.java() + ", -Xmx" + knobs.xmx()
                + ", default settings, Basic auth." + (machine.before() == null ? "" : " Before: " + machine.before() + "."));
        line(machine.apache() + " with mod_dav_fs, Debian's mpm_event settings, no auth. " + machine.rclone()
                + " serve webdav over crypt on a local folder, defaults (--vfs-cache-mode off), no auth.");
        line("All on 127.0.0.1, data under " + machine.dataDir() + " (same disk for all), files fit the page cache; "
                + "load client and servers share the cores. Every server got the same untimed warm-up first. "
                + "MB = 10^6 bytes.");
        line("Not like for like: Attaché fsyncs its data and each database commit before it answers a PUT; "
                + "Apache mod_dav_fs and rclone's local backend never fsync (their PUT ends in the page cache). "
                + "Apache stores plaintext; rclone crypt and Attaché encrypt.");
        if (results.peers() != null) {
            peers(results.peers());
        }
        alone();
        if (results.copies() != null) {
            copies(results.copies());
        }
        line("");
        line("| target | this run | |");
        line("|---|---|---|");
        targets.forEach(this::line);
        return out.toString();
    }

    private void peers(Map<String, PeerComparison.Figures> f) {
        List<String> ids = PEERS.stream().filter(f::containsKey).toList();
        boolean before = f.containsKey("before");
        line("");
        StringBuilder head = new StringBuilder("| measurement |");
        for (String id : ids) {
            head.append(' ').append(label(id)).append(" |");
        }
        head.append(" Attaché ÷ Apache | Attaché ÷ rclone |").append(before ? " Attaché ÷ before |" : "").append(" better |");
        line(head.toString());
        line("|---".repeat(ids.size() + (before ? 5 : 4)) + "|");
        String size = sizeLabel(knobs.fileMib());
        peerRow(f, ids, "PUT " + size + ", curl, median of " + knobs.runs() + " (MB/s)", PeerComparison.Figures::put, "higher");
        peerRow(f, ids, "GET " + size + ", curl, median of " + knobs.runs() + ", SHA-256 checked (MB/s)",
                PeerComparison.Figures::get, "higher");
        peerRow(f, ids, "server CPU time per PUT, user + system (s)", x -> x.putCpuSeconds, "lower");
        peerRow(f, ids, "server CPU time per GET (s)", x -> x.getCpuSeconds, "lower");
        peerRow(f, ids, "64 KiB range read at a random offset, p50 (" + knobs.rangeReads() + " reads, 1 connection; ms)",
                x -> x.ranges.p50Millis(), "lower");
        peerRow(f, ids, "64 KiB range read, p99 (ms)", x -> x.ranges.p99Millis(), "lower");
        peerRow(f, ids, "64 KiB range reads per second", x -> x.ranges.readsPerSecond(), "higher");
        peerRow(f, ids, knobs.smallFiles() + " files of 4 KiB, " + knobs.clients() + " parallel clients (files/s)",
                x -> x.smallFilesPerSecond, "higher");
        peerRow(f, ids, "PROPFIND Depth 1, " + knobs.listing() + " files, allprop, median of " + knobs.propfindRuns()
                + " (ms)", x -> x.allpropMillis, "lower");
        peerRow(f, ids, "PROPFIND allprop, response size (bytes)", x -> x.allpropBytes, "lower");
        peerRow(f, ids, "PROPFIND Depth 1, " + knobs.listing() + " files, 4 properties, median of "
                + knobs.propfindRuns() + " (ms)", x -> x.namedMillis, "lower");
        peerRow(f, ids, "PROPFIND 4 properties, response size (bytes)", x -> x.namedBytes, "lower");
        peerRow(f, ids, "peak RSS (VmHWM; Apache: sum over its processes; MiB)", x -> x.peakRssMib, "lower");
        line("");
        StringBuilder runs = new StringBuilder("Single runs (MB/s):");
        for (String kind : List.of("PUT", "GET")) {
            runs.append(' ').append(kind);
            for (String id : ids) {
                List<Double> values = kind.equals("PUT") ? f.get(id).putRuns : f.get(id).getRuns;
                runs.append(' ').append(label(id)).append(' ')
                        .append(String.join(" ", values.stream().map(Report::number).toList())).append(';');
            }
        }
        line(runs.substring(0, runs.length() - 1) + ".");

        double put = f.get("attache").put();
        ratioTarget("PUT ≥ 1.0× Apache (issue 5)", Stats.ratio(put, f.get("apache").put()), ">=", 1.0);
        ratioTarget("PUT ≥ 1.5× rclone crypt (issue 5)", Stats.ratio(put, f.get("rclone").put()), ">=", 1.5);
        ratioTarget("GET ≥ 1.5× rclone crypt (issue 5)", Stats.ratio(f.get("attache").get(), f.get("rclone").get()), ">=", 1.5);
        ratioTarget("PROPFIND allprop, " + knobs.listing() + " files, no slower than Apache (time ≤ 1.0×; issue 5)",
                Stats.ratio(f.get("attache").allpropMillis, f.get("apache").allpropMillis), "<=", 1.0);
        ratioTarget("PROPFIND 4 properties, no slower than Apache (time ≤ 1.0×; issue 5)",
                Stats.ratio(f.get("attache").namedMillis, f.get("apache").namedMillis), "<=", 1.0);
        targets.add("| allprop answer < 1,000,000 bytes (issue 5) | " + f.get("attache").allpropBytes + " bytes | "
                + verdict(f.get("attache").allpropBytes < 1_000_000) + " |");
        double small = Stats.ratio(f.get("attache").smallFilesPerSecond, f.get("apache").smallFilesPerSecond);
        if (f.containsKey("jetty")) {
            double floor = f.get("jetty").smallFilesPerSecond;
            line("");
            line("Jetty 12 alone, a handler that reads each body and discards it (no authentication, WebDAV, encryption, "
                    + "disk or database; " + PeerComparison.JETTY_WARM_UP + " uploads of warm-up): " + knobs.smallFiles() + " files of 4 KiB from "
                    + knobs.clients() + " parallel clients at " + number(floor) + " files/s, "
                    + times(Stats.ratio(floor, f.get("apache").smallFilesPerSecond)) + " Apache; Attaché reaches "
                    + percent(Stats.ratio(f.get("attache").smallFilesPerSecond, floor)) + " of it.");
            ratioTarget(knobs.smallFiles() + " × 4 KiB from " + knobs.clients() + " clients ≥ 1.0× Apache, durable commits on "
                    + "(issue 10; Jetty alone: " + times(Stats.ratio(floor, f.get("apache").smallFilesPerSecond)) + ")",
                    small, ">=", 1.0);
        } else {
            ratioTarget(knobs.smallFiles() + " × 4 KiB from " + knobs.clients() + " clients ≥ 1.0× Apache, durable commits on "
                    + "(issue 10)", small, ">=", 1.0);
        }
        if (before) {
            // Single runs on a shared machine swing by more than 5%; see the single runs above.
            ratioTarget("PUT " + size + " no slower than before (≥ 0.95×; issue 10)", Stats.ratio(put, f.get("before").put()),
                    ">=", 0.95);
            ratioTarget("GET " + size + " no slower than before (≥ 0.95×; issue 10)",
                    Stats.ratio(f.get("attache").get(), f.get("before").get()), ">=", 0.95);
        }
    }

    private void peerRow(Map<String, PeerComparison.Figures> f, List<String> ids, String title,
                         ToDoubleFunction<PeerComparison.Figures> value, String better) {
        StringBuilder row = new StringBuilder("| ").append(title).append(" |");
        for (String id : ids) {
            row.append(' ').append(number(value.applyAsDouble(f.get(id)))).append(" |");
        }
        double attache = value.applyAsDouble(f.get("attache"));
        row.append(' ').append(times(Stats.ratio(attache, value.applyAsDouble(f.get("apache"))))).append(" |");
        row.append(' ').append(times(Stats.ratio(attache, value.applyAsDouble(f.get("rclone"))))).append(" |");
        if (f.containsKey("before")) {
            row.append(' ').append(times(Stats.ratio(attache, value.applyAsDouble(f.get("before"))))).append(" |");
        }
        line(row.append(' ').append(better).append(" |").toString());
    }

    /** Attaché on its own: the huge PUTs and the Discord store. */
    private void alone() {
        if (results.huge() == null && results.discord() == null) {
            return;
        }
        line("");
        line("| measurement (Attaché alone) | result | better |");
        line("|---|---|---|");
        String size = sizeLabel(knobs.hugeMib());
        if (results.huge() != null) {
            for (HugePut.Figures h : results.huge()) {
                String staging = h.stagingSize() < 0 ? "" : String.format(Locale.ROOT,
                        "; staging directory at most %.1f MiB, %.0f%% of staging-size", h.stagingPeak() / 1048576.0,
                        100.0 * h.stagingPeak() / h.stagingSize());
                line("| " + size + " PUT at -Xmx" + knobs.hugeXmx() + ", " + h.label() + " (generated, streamed) | "
                        + (h.failure() == null ? "ok, " + number(h.putMegabytesPerSecond()) + " MB/s, SHA-256 of the GET matches"
                        : "FAILED: " + h.failure()) + "; peak RSS " + h.peakRssMib() + " MiB" + staging + " | must succeed |");
                targets.add("| " + size + " PUT at -Xmx" + knobs.hugeXmx() + ", " + h.label() + ", succeeds"
                        + (h.stagingSize() < 0 ? " (issue 5)" : "; staging never exceeds staging-size (issue 10)") + " | "
                        + (h.failure() == null ? "ok" : "failed") + (h.stagingSize() < 0 ? "" : ", peak " + h.stagingPeak()
                        + " ≤ " + h.stagingSize()) + " | " + verdict(h.ok()) + " |");
            }
        }
        DiscordStore.Figures d = results.discord();
        if (d != null) {
            String setup = "Discord emulator (" + d.channels() + " channels, 5 uploads per 5 s each, "
                    + knobs.discordLatencyMs() + " ms, " + knobs.discordBandwidth() + " B/s per transfer, write-through, no cache)";
            line("| " + setup + ": sustained upload ÷ rate-limit ceiling | " + String.format(Locale.ROOT,
                    "%.1f%% (%.1f of %.1f MB/s over %d channels; PUT of %d chunks %.2f s, of %d chunks %.2f s; %d answers 429)",
                    d.fractionPercent(), d.sustainedMegabytesPerSecond(), d.ceilingMegabytesPerSecond(), d.channels(),
                    d.chunksPerWindow(), d.t1(), d.bigChunks(), d.t2(), d.rateLimited()) + " | higher |");
            line("| Discord emulator: GET of the same file, bytes compared | " + number(d.getMegabytesPerSecond())
                    + " MB/s | higher |");
            line("| Discord emulator: time to first byte of a random seek | " + String.format(Locale.ROOT,
                    "p50 %.1f ms, p90 %.1f ms (%d seeks of 64 KiB, bytes checked) = %s one plain CDN fetch of one segment "
                            + "(%.1f ms); %d CDN bytes and %.1f CDN requests per seek", d.seekP50Millis(), d.seekP90Millis(),
                    d.seeks(), times(d.seekRatio()), d.plainP50Millis(), d.cdnBytesPerSeek(), d.cdnRequestsPerSeek()) + " | lower |");
            target("Discord emulator: sustained upload ≥ 90% of the rate-limit ceiling (issue 5)",
                    number(d.fractionPercent()) + "%", d.fractionPercent(), ">=", 90);
            ratioTarget("random seek against the Discord emulator ≈ one CDN round trip for one segment (≤ 1.5×; issue 5)",
                    d.seekRatio(), "<=", 1.5);
            long seekBound = 65_536 + 2L * DiscordStore.SEGMENT_CIPHER;
            targets.add("| CDN bytes per 64 KiB seek ≤ range + 2 segments (" + seekBound + "; issue 5) | " + d.cdnBytesPerSeek()
                    + " | " + verdict(d.cdnBytesPerSeek() <= seekBound) + " |");
        }
    }

    /** The folder copies, one column per jar: before → after. */
    private void copies(List<FolderCopy.Figures> copies) {
        List<FolderCopy.Figures> order = new ArrayList<>(copies);
        Collections.reverse(order); // before first, when there is one
        int channels = knobs.discordChannels();
        FolderCopy.Copy s0 = order.get(0).small();
        FolderCopy.Copy m0 = order.get(0).mixed();
        line("");
        line("Folder copies: `rclone copy --transfers " + knobs.copyTransfers() + "` onto Attaché on the Discord emulator ("
                + channels + " channels, 5 messages per 5 s each, 10 MiB attachments, " + knobs.discordLatencyMs() + " ms, "
                + knobs.discordBandwidth() + " B/s per transfer" + (knobs.hashPerMajor() ? ", a bucket hash per channel" : "")
                + "), Attaché's defaults for Discord; then `attache flush`. The mixed tree once more with the benchmark's "
                + "load client instead of rclone (" + knobs.copyTransfers() + " parallel PUTs, no pacer: rclone 1.60 starts "
                + "at most one request every 10 ms, so its copy takes about as long onto the local store). "
                + "Attachments: messages the emulator created "
                + "from the copy's start until flushed. Every copy was read back and compared by `rclone check --download`. "
                + "The mixed tree: " + m0.files() + " files, " + m0.bytes() + " bytes, sizes log-uniform from "
                + knobs.mixedMinKib() + " KiB to " + knobs.mixedMaxKib() + " KiB; its byte ceiling is bytes ÷ ("
                + channels + " channels × 5 × 10 MiB per 5 s).");
        line("");
        StringBuilder head = new StringBuilder("| measurement |");
        order.forEach(c -> head.append(' ').append(c.label()).append(" |"));
        line(head.append(" better |").toString());
        line("|---".repeat(order.size() + 2) + "|");
        String small = s0.files() + " files of 4 KiB";
        copyRow(order, small + ": copy onto the local store (s)", c -> number(c.small().localSeconds()), "lower");
        copyRow(order, small + ": copy onto Discord (s)", c -> number(c.small().copySeconds()), "lower");
        copyRow(order, small + ": onto Discord ÷ onto the local store", c -> times(c.small().slowdown()), "lower");
        copyRow(order, small + ": `attache flush` after the copy (s)", c -> flush(c.small()), "lower");
        copyRow(order, small + ": attachments holding them", c -> Long.toString(c.small().attachments()), "fewer");
        copyRow(order, small + ": answers 429", c -> Long.toString(c.small().rateLimited()), "fewer");
        copyRow(order, "mixed tree: copy onto the local store (s)", c -> number(c.mixed().localSeconds()), "lower");
        copyRow(order, "mixed tree: copy onto Discord (s)", c -> number(c.mixed().copySeconds()), "lower");
        copyRow(order, "mixed tree: `attache flush` after the copy (s)", c -> flush(c.mixed()), "lower");
        copyRow(order, "mixed tree: copy's start to flushed (s)", c -> number(c.mixed().toFlushedSeconds()), "lower");
        copyRow(order, "mixed tree: byte ceiling (" + number(m0.ceilingSeconds(channels)) + " s) ÷ time to flushed",
                c -> percent(c.mixed().ceilingFraction(channels)), "higher");
        copyRow(order, "mixed tree: byte ceiling ÷ rclone's copy onto the local store (the most this client allows)",
                c -> percent(Stats.ratio(c.mixed().ceilingSeconds(channels), c.mixed().localSeconds())), "higher");
        copyRow(order, "mixed tree: attachments (1.1 × ⌈bytes / 10 MiB⌉ = " + number(m0.attachmentBound()) + ")",
                c -> Long.toString(c.mixed().attachments()), "fewer");
        copyRow(order, "mixed tree: answers 429", c -> Long.toString(c.mixed().rateLimited()), "fewer");
        String direct = "mixed tree, load client (" + knobs.copyTransfers() + " parallel PUTs): ";
        copyRow(order, direct + "copy onto Discord (s)", c -> number(c.mixedDirect().copySeconds()), "lower");
        copyRow(order, direct + "`attache flush` after the copy (s)", c -> flush(c.mixedDirect()), "lower");
        copyRow(order, direct + "copy's start to flushed (s)", c -> number(c.mixedDirect().toFlushedSeconds()), "lower");
        copyRow(order, direct + "byte ceiling ÷ time to flushed",
                c -> percent(c.mixedDirect().ceilingFraction(channels)), "higher");
        copyRow(order, direct + "attachments", c -> Long.toString(c.mixedDirect().attachments()), "fewer");
        copyRow(order, direct + "answers 429", c -> Long.toString(c.mixedDirect().rateLimited()), "fewer");

        FolderCopy.Copy s = copies.get(0).small();
        FolderCopy.Copy m = copies.get(0).mixed();
        ratioTarget("Discord: copy of " + small + " ≤ 2× the same copy onto the local store (issue 10)",
                s.slowdown(), "<=", 2.0);
        target("Discord: then `attache flush` within 10 s (issue 10)", flush(s) + " s", s.flushSeconds(), "<=", 10.0);
        target("Discord: ≤ 3 attachments hold the " + small + " (issue 10)", Long.toString(s.attachments()),
                s.attachments(), "<=", 3);
        target("mixed tree: attachments ≤ 1.1 × ⌈bytes / 10 MiB⌉ = " + number(m.attachmentBound()) + " (issue 10)",
                Long.toString(m.attachments()), m.attachments(), "<=", m.attachmentBound());
        target("mixed tree, rclone: copy's start to flushed ≥ 90% of the byte ceiling of " + channels
                        + " channels (issue 10)", percent(m.ceilingFraction(channels)) + " (rclone's copy onto the local store "
                        + "alone allows " + percent(Stats.ratio(m.ceilingSeconds(channels), m.localSeconds())) + ")",
                100 * m.ceilingFraction(channels), ">=", 90);
        FolderCopy.Copy d = copies.get(0).mixedDirect();
        target("mixed tree, load client: attachments ≤ 1.1 × ⌈bytes / 10 MiB⌉ = " + number(d.attachmentBound())
                + " (issue 10)", Long.toString(d.attachments()), d.attachments(), "<=", d.attachmentBound());
        target("mixed tree, load client: copy's start to flushed ≥ 90% of the byte ceiling of " + channels
                + " channels (issue 10)", percent(d.ceilingFraction(channels)), 100 * d.ceilingFraction(channels), ">=", 90);
    }

    private void copyRow(List<FolderCopy.Figures> order, String title,
                         Function<FolderCopy.Figures, String> value, String better) {
        StringBuilder row = new StringBuilder("| ").append(title).append(" |");
        order.forEach(c -> row.append(' ').append(value.apply(c)).append(" |"));
        line(row.append(' ').append(better).append(" |").toString());
    }

    private static String flush(FolderCopy.Copy c) {
        return Double.isNaN(c.flushSeconds()) ? "– (writes through)" : number(c.flushSeconds());
    }

    /** A ratio target: shown as 1.23×. */
    private void ratioTarget(String title, double ratio, String op, double bound) {
        target(title, times(ratio), ratio, op, bound);
    }

    private void target(String title, String shown, double value, String op, double bound) {
        boolean met = switch (op) {
            case ">=" -> value >= bound;
            case "<=" -> value <= bound;
            default -> throw new IllegalArgumentException(op);
        };
        targets.add("| " + title + " | " + shown + " | " + verdict(!Double.isNaN(value) && met) + " |");
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String label(String id) {
        return switch (id) {
            case "attache" -> Servers.ATTACHE_LABEL;
            case "before" -> Servers.BEFORE_LABEL;
            case "apache" -> "Apache mod_dav_fs";
            default -> "rclone crypt";
        };
    }

    static String sizeLabel(int mib) {
        return mib % 1024 == 0 ? mib / 1024 + " GiB" : mib + " MiB";
    }

    /** Whole numbers as such; otherwise three significant digits at least, one decimal at most above 10. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        if (value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        double magnitude = Math.abs(value);
        return String.format(Locale.ROOT, magnitude < 1 ? "%.3f" : magnitude < 10 ? "%.2f" : "%.1f", value);
    }

    static String times(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
