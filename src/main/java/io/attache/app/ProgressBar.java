package io.attache.app;

import java.io.PrintStream;

/** A one-line progress bar on a terminal, a line every 10% elsewhere. */
final class ProgressBar {
    private final PrintStream err;
    private final String label;
    private final boolean terminal = System.console() != null;
    private long lastPercent = -1;

    ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    void update(long done, long total) {
        long percent = total == 0 ? 100 : done * 100 / total;
        if (percent == lastPercent || (!terminal && percent % 10 != 0)) {
            return;
        }
        lastPercent = percent;
        int filled = (int) (percent / 5);
        String line = String.format("%s [%s%s] %3d%% (%d/%d)", label, "#".repeat(filled), " ".repeat(20 - filled),
                percent, done, total);
        err.print(terminal ? "\r" + line : line + "\n");
        err.flush();
    }

    void done() {
        if (terminal) {
            err.println();
        }
    }
}
