package io.attache.app;

import io.attache.fs.AuthEvents;
import io.attache.fs.FileService;
import io.attache.fs.UploadQueue;
import io.attache.fs.UserService;
import io.attache.meta.Database;
import io.attache.pipeline.PackFill;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's vital signs in one Prometheus registry: what the store stack counts (bound where it
 * is built, in {@link Stores}), the HTTP server (bound by it), and here the JVM, the database
 * pools, sign-ins, uploads and packs. Every meter is named attache_* or by the library that measures it
 * (jvm_*, jetty_*, hikaricp_*, process_*).
 */
final class Vitals {

    private Vitals() {
    }

    /** A registry whose request and store-call timers publish latency histograms. */
    static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().equals("jetty.server.requests") || id.getName().equals("attache.store.operations")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue(1e6).maximumExpectedValue(60e9).build().merge(config);
                }
                return config;
            }
        });
        return registry;
    }

    /** Binds the JVM, the database pools, sign-ins and uploads; the result is closed when the server stops. */
    static AutoCloseable instrument(PrometheusMeterRegistry metrics, Database db, UserService users, FileService files,
                                    UploadQueue uploads, PackFill packs) {
        new ClassLoaderMetrics().bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        new FileDescriptorMetrics().bindTo(metrics);
        db.recordMetricsIn(metrics);
        Counter failedLogins = Counter.builder("attache.logins.failed")
                .description("Sign-ins refused for a wrong user name or password, WebDAV and web").register(metrics);
        Counter bans = Counter.builder("attache.logins.bans")
                .description("Addresses or users banned by the login defence").register(metrics);
        users.reportTo(new AuthEvents() {
            @Override
            public void failedLogin() {
                failedLogins.increment();
            }

            @Override
            public void banned() {
                bans.increment();
            }
        });
        Gauge.builder("attache.uploads.receiving", files.transfers(), t -> t.activeCount())
                .description("Uploads being received now").register(metrics);
        Gauge.builder("attache.uploads.pending.files", uploads, q -> q.snapshot(null).pendingFiles())
                .description("Acknowledged uploads not yet completely in the store (write-back)").register(metrics);
        Gauge.builder("attache.uploads.pending.bytes", uploads, q -> q.snapshot(null).pendingBytes())
                .baseUnit("bytes").description("Bytes of acknowledged uploads still to store").register(metrics);
        Gauge.builder("attache.uploads.rate", uploads, q -> q.snapshot(null).bytesPerSecond())
                .baseUnit("bytes").description("Recent rate of the write-back uploader into the store, per second").register(metrics);
        FunctionCounter.builder("attache.packs.stored", packs, PackFill::packs)
                .description("Packs stored since the start").register(metrics);
        FunctionCounter.builder("attache.packs.stored.bytes", packs, PackFill::bytes)
                .baseUnit("bytes").description("Bytes in the packs stored since the start").register(metrics);
        Gauge.builder("attache.packs.fill", packs, PackFill::mean)
                .description("Mean fill of the packs stored since the start, 0 to 1").register(metrics);
        return gc;
    }
}
