package io.attache.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory store for the wrapper tests: calls fail as scripted, and opened streams can be
 * told to fail after a number of bytes. It records every call it receives.
 */
final class ScriptedStore implements ChunkStore {

    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Deque<StoreException> failures = new ArrayDeque<>();
    private final Deque<StreamFault> streamFaults = new ArrayDeque<>();

    /** A stream opened later fails with {@code error} after {@code afterBytes} bytes. */
    record StreamFault(int afterBytes, IOException error) {
    }

    synchronized void failNext(StoreException... errors) {
        failures.addAll(Arrays.asList(errors));
    }

    synchronized void failStreamNext(int afterBytes, IOException error) {
        streamFaults.add(new StreamFault(afterBytes, error));
    }

    private synchronized void maybeFail(String call) throws StoreException {
        calls.add(call);
        StoreException next = failures.poll();
        if (next != null) {
            throw next;
        }
    }

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public StoreProperties properties() {
        return new StoreProperties(1 << 20, true, true);
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        maybeFail("put " + chunkName);
        objects.put(chunkName, Arrays.copyOfRange(data, offset, offset + length));
        return Locator.of("mem", chunkName);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        maybeFail("open " + locator.rest() + " " + offset + "+" + length);
        byte[] data = objects.get(locator.rest());
        if (data == null) {
            throw new StoreException.NotFound("no " + locator);
        }
        InputStream in = new ByteArrayInputStream(data, (int) offset, (int) length);
        StreamFault fault;
        synchronized (this) {
            fault = streamFaults.poll();
        }
        return fault == null ? in : new FailingStream(in, fault);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        maybeFail("delete " + locator.rest());
        objects.remove(locator.rest());
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        maybeFail("stat " + locator.rest());
        byte[] data = objects.get(locator.rest());
        if (data == null) {
            throw new StoreException.NotFound("no " + locator);
        }
        return data.length;
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        maybeFail("putPointer " + name);
        objects.put("pointer-" + name, data.clone());
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        maybeFail("getPointer " + name);
        return Optional.ofNullable(objects.get("pointer-" + name));
    }

    private static final class FailingStream extends InputStream {
        private final InputStream in;
        private final StreamFault fault;
        private int delivered;

        FailingStream(InputStream in, StreamFault fault) {
            this.in = in;
            this.fault = fault;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (delivered >= fault.afterBytes()) {
                throw fault.error();
            }
            int n = in.read(b, off, Math.min(len, fault.afterBytes() - delivered));
            if (n > 0) {
                delivered += n;
            }
            return n;
        }
    }
}
