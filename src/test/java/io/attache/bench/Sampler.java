package io.attache.bench;

import java.time.Duration;

/**
 * Runs a probe at a fixed interval on a daemon thread until closed, at most a given number of
 * times: peak memory of the servers, the size of a staging directory.
 */
final class Sampler implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stopped;

    private Sampler(String name, Duration every, int maxSamples, Runnable probe) {
        this.thread = new Thread(() -> {
            for (int i = 0; i < maxSamples && !stopped; i++) {
                probe.run();
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    static Sampler start(String name, Duration every, int maxSamples, Runnable probe) {
        Sampler sampler = new Sampler(name, every, maxSamples, probe);
        sampler.thread.start();
        return sampler;
    }

    /** Stops the sampling and waits for the last probe to finish, so that its result is seen. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
