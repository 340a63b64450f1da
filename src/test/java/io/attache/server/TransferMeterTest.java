package io.attache.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The minimum data rate: stalls and trickles are cut after about the grace, honest slow clients never. */
class TransferMeterTest {

    static final long S = 1_000_000_000L;
    /** 1 KiB per second, 30 s of grace: the defaults. */
    final TransferMeter meter = new TransferMeter(1024, 30 * S);

    @Test
    void aClientThatReadsNothingIsCutAfterTheGraceAndItsWrite() {
        long deadline = meter.waitStarted(0, 16 * 1024);
        assertEquals(46 * S, deadline, "30 s of grace plus 16 s for 16 KiB at 1 KiB/s");
        assertFalse(meter.tooSlow(45 * S));
        assertTrue(meter.tooSlow(46 * S + 1));
        assertEquals(60 * S, new TransferMeter(1024, 30 * S).waitStarted(0, 1 << 20), "a big write earns one more grace at most");
    }

    @Test
    void aClientThatTricklesOneByteEveryFiveSecondsIsCut() {
        long now = 0;
        long deadline = 0;
        for (int i = 0; i < 100 && deadline > now; i++) {
            deadline = meter.waitStarted(now, 0);
            now += 5 * S;
            if (now < deadline) {
                meter.waitEnded(now, 1);
            }
        }
        assertTrue(deadline <= 35 * S, "cut within the grace and a window's few bytes, at " + deadline / S + " s");
    }

    @Test
    void aClientAtTwiceTheMinimumRateIsNeverCut() {
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            long deadline = meter.waitStarted(now, 2048);
            now += S;
            assertTrue(now < deadline, "write " + i);
            meter.waitEnded(now, 2048);
        }
    }

    @Test
    void aFastStartEarnsNoCreditForALaterStall() {
        long now = 0;
        for (int i = 0; i < 100; i++) {
            meter.waitStarted(now, 1 << 20);
            now += S / 10;
            meter.waitEnded(now, 1 << 20);
        }
        long deadline = meter.waitStarted(now, 0);
        assertTrue(deadline - now <= 60 * S, "a stall after 100 MiB is cut within two graces, at " + (deadline - now) / S + " s");
    }

    @Test
    void dataThatArrivesWithoutWaitingStillCounts() {
        meter.moved(30 * 1024);
        assertEquals(60 * S, meter.waitStarted(0, 0), "30 s of grace plus 30 s earned by 30 KiB");
    }
}
