package io.replikv.server.check;

import io.replikv.core.kv.Command;
import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The commands one logical client of {@code replikv check} sends: a seeded mix of
 * get/put/append/puthash/delete over a few keys. Every value a client writes is unique (it names
 * the client and counts up), so a read tells which write it saw, and the checker can tell a stale
 * or lost write from a fresh one.
 */
final class Workload {
    /** Share of Gets, in percent: reads are what catch stale and lost writes. */
    static final int GET_PERCENT = 40;
    /** Share of Puts, in percent: they reset a key, which keeps appended values (and the checker's states) short. */
    static final int PUT_PERCENT = 25;
    /** Share of Appends, in percent. */
    static final int APPEND_PERCENT = 15;
    /** Share of PutHashes, in percent; the rest are Deletes. */
    static final int PUTHASH_PERCENT = 10;

    private final String client;
    private final List<Bytes> keys;
    private final SplittableRandom random;
    private long written;

    Workload(String client, List<Bytes> keys, long seed) {
        if (keys.isEmpty()) throw new IllegalArgumentException("a workload needs at least one key");
        this.client = client;
        this.keys = List.copyOf(keys);
        this.random = new SplittableRandom(seed);
    }

    /**
     * The keys of one run: {@code check-<run>-<i>}. Fresh per run because the checker assumes every
     * key starts absent, and the cluster may hold the keys of an earlier check.
     */
    static List<Bytes> keys(String runId, int count) {
        List<Bytes> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) keys.add(Bytes.of("check-" + runId + "-" + i));
        return keys;
    }

    Command next() {
        Bytes key = keys.get(random.nextInt(keys.size()));
        int roll = random.nextInt(100);
        if (roll < GET_PERCENT) return new Command.Get(key);
        written++;
        roll -= GET_PERCENT;
        if (roll < PUT_PERCENT) return new Command.Put(key, Bytes.of(client + "-" + written));
        roll -= PUT_PERCENT;
        if (roll < APPEND_PERCENT) return new Command.Append(key, Bytes.of(client + "." + written + ";"));
        roll -= APPEND_PERCENT;
        if (roll < PUTHASH_PERCENT) return new Command.PutHash(key, Bytes.of(client + "#" + written));
        return new Command.Delete(key);
    }
}
