package io.attache.fs;

import java.util.List;

/**
 * What Attaché still has to push to the chunk store for uploads it has already acknowledged: the
 * write-back queue. The web pages show it beside the uploads under way, and /metrics exports its
 * totals. With write-through storage (today's pipeline: a PUT is answered only after its chunks
 * are stored) nothing is ever pending, which {@link #WRITE_THROUGH} says.
 */
public interface UploadQueue {

    /** Entries a snapshot lists at most; the totals count all of them. */
    int MAX_ITEMS = 100;

    /**
     * The queue of one user, or of all users when {@code userId} is null.
     */
    Snapshot snapshot(Long userId);

    /** False when every acknowledged upload is already in the store (write-through). */
    boolean writeBack();

    /**
     * A number that grows whenever the queue changes, so a live view can tell when to send a new
     * snapshot; a queue that never changes may always return 0.
     */
    long generation();

    /**
     * The queue at one moment.
     *
     * @param pendingFiles       files acknowledged but not yet completely in the store
     * @param pendingBytes       their bytes still to upload
     * @param uploadedBytes      bytes pushed to the store since the server started
     * @param bytesPerSecond     recent upload rate to the store
     * @param oldestAgeMillis    how long the oldest pending file has waited, 0 when none
     * @param lastError          the last failure of the uploader, or null
     * @param items              the first {@link #MAX_ITEMS} pending files, oldest first
     */
    record Snapshot(int pendingFiles, long pendingBytes, long uploadedBytes, double bytesPerSecond,
                    long oldestAgeMillis, String lastError, List<Item> items) {
        public static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, null, List.of());
    }

    /** One pending file: its path in its owner's tree, its size and what is already stored. */
    record Item(String path, long bytes, long uploadedBytes, long queuedAt) {
    }

    /** Write-through storage: an upload is acknowledged only once it is stored, so nothing waits. */
    UploadQueue WRITE_THROUGH = new UploadQueue() {
        @Override
        public Snapshot snapshot(Long userId) {
            return Snapshot.EMPTY;
        }

        @Override
        public boolean writeBack() {
            return false;
        }

        @Override
        public long generation() {
            return 0;
        }
    };
}
