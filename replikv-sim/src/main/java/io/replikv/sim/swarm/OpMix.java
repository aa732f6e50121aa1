package io.replikv.sim.swarm;

import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;

/** Relative weights of the commands a swarm client issues; at least one write weighs something. */
public record OpMix(int get, int put, int append, int putHash, int delete) {
    public OpMix {
        Invariants.check(get >= 0 && put >= 0 && append >= 0 && putHash >= 0 && delete >= 0, "negative weight");
        Invariants.check(put + append + putHash + delete > 0, "an op mix without writes tests nothing");
    }

    /** The kind of command a draw from this mix gives. */
    public enum Kind { GET, PUT, APPEND, PUT_HASH, DELETE }

    public Kind draw(Prng prng) {
        int r = prng.nextInt(get + put + append + putHash + delete);
        if ((r -= get) < 0) return Kind.GET;
        if ((r -= put) < 0) return Kind.PUT;
        if ((r -= append) < 0) return Kind.APPEND;
        if (r < putHash) return Kind.PUT_HASH;
        return Kind.DELETE;
    }

    @Override
    public String toString() {
        return "get:" + get + " put:" + put + " append:" + append + " puthash:" + putHash + " delete:" + delete;
    }
}
