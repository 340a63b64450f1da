package io.attache.store.discord.emulator;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as its own process, for benchmarks and end-to-end tests. It prints the
 * environment the Attaché server needs ({@code ATTACHE_DISCORD_*=...}, one per line, then
 * {@code READY}) and serves until it is killed.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) io.attache.store.discord.emulator.DiscordEmulatorMain \
 *      --channels 6 --create 5/5s --max-file-size 10485760 --fault STATUS_503@MESSAGE_CREATE:0.02
 * </pre>
 *
 * Options (defaults are Discord's values):
 * <pre>
 * --port N                 0 = ephemeral (default)
 * --tokens N --channels N --webhooks N     (1, 3, 0)
 * --global L --create L --webhook L --webhook-channel L --read L --delete L --bulk-delete L
 *                          limits written count/period: 50/1s 5/5s 5/2s 30/1m 10/1s 5/1s 1/1s
 * --max-file-size BYTES    10485760
 * --url-lifetime SECONDS   86400
 * --ban-threshold N        10000 invalid requests per 10 minutes
 * --bandwidth BYTES/S      0 = unlimited, per transfer
 * --latency MS             added to every request
 * --fault KIND[@ROUTE][:P | *N]   repeatable; P a probability, N a count; ROUTE a RouteClass
 * --intent                 the bots have the MESSAGE_CONTENT intent
 * --hash-per-major         each channel and webhook of a route gets its own bucket hash, as Discord may
 * --discard-content        keep sizes only (benchmarks); the CDN cannot serve such uploads
 * --seed N
 * </pre>
 */
public final class DiscordEmulatorMain {

    private DiscordEmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        EmulatorSettings settings = new EmulatorSettings();
        java.util.List<String> faults = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--intent")) {
                settings.messageContentIntent(true);
                continue;
            }
            if (flag.equals("--hash-per-major")) {
                settings.hashPerMajor(true);
                continue;
            }
            if (flag.equals("--discard-content")) {
                settings.storeContent(false);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> settings.port(Integer.parseInt(value));
                case "--tokens" -> settings.tokens(Integer.parseInt(value));
                case "--channels" -> settings.channels(Integer.parseInt(value));
                case "--webhooks" -> settings.webhooks(Integer.parseInt(value));
                case "--global" -> settings.globalLimit(Limit.parse(value));
                case "--create" -> settings.messageCreateLimit(Limit.parse(value));
                case "--webhook" -> settings.webhookExecuteLimit(Limit.parse(value));
                case "--webhook-channel" -> settings.webhookChannelLimit(Limit.parse(value));
                case "--read" -> settings.readLimit(Limit.parse(value));
                case "--delete" -> settings.deleteLimit(Limit.parse(value));
                case "--bulk-delete" -> settings.bulkDeleteLimit(Limit.parse(value));
                case "--max-file-size" -> settings.maxFileSize(Long.parseLong(value));
                case "--url-lifetime" -> settings.urlLifetime(Duration.ofSeconds(Long.parseLong(value)));
                case "--ban-threshold" -> settings.banThreshold(Integer.parseInt(value));
                case "--bandwidth" -> settings.bandwidth(Long.parseLong(value));
                case "--latency" -> settings.latency(Duration.ofMillis(Long.parseLong(value)));
                case "--seed" -> settings.seed(Long.parseLong(value));
                case "--fault" -> faults.add(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        DiscordEmulator emulator = DiscordEmulator.start(settings);
        for (String fault : faults) {
            applyFault(emulator.faults(), fault);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("discord emulator: " + emulator.counters());
            emulator.close();
            stopped.countDown();
        }));
        System.out.println("ATTACHE_DISCORD_API_URL=" + emulator.apiUrl());
        System.out.println("ATTACHE_DISCORD_TOKEN=" + String.join(",", emulator.tokens()));
        System.out.println("ATTACHE_DISCORD_CHANNELS=" + String.join(",", emulator.channelIds()));
        System.out.println("ATTACHE_DISCORD_WEBHOOKS=" + String.join(",", emulator.webhookUrls()));
        System.out.println("READY");
        System.out.flush();
        System.err.println("discord emulator on " + emulator.apiUrl() + ": " + settings);
        stopped.await();
    }

    /** {@code KIND[@ROUTE][:PROBABILITY | *COUNT]}, e.g. {@code STATUS_503@MESSAGE_CREATE:0.05}. */
    static void applyFault(Faults faults, String spec) {
        String rest = spec;
        double probability = 1.0;
        int count = -1;
        int colon = rest.indexOf(':');
        int star = rest.indexOf('*');
        if (colon >= 0) {
            probability = Double.parseDouble(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        } else if (star >= 0) {
            count = Integer.parseInt(rest.substring(star + 1));
            rest = rest.substring(0, star);
        }
        RouteClass route = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            route = RouteClass.valueOf(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        Fault fault = Fault.valueOf(rest);
        if (count > 0) {
            faults.inject(fault, route, count);
        } else {
            faults.injectRandomly(fault, route, probability);
        }
    }
}
