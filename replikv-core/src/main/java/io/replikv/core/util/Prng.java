package io.replikv.core.util;

/**
 * The only source of randomness in cores and the simulator: xoshiro256** seeded through
 * splitmix64. Same seed, same sequence, on every JVM. {@link #derive} gives independent streams
 * (one per node, per client, per fault schedule) from one run seed, so adding a draw in one
 * place does not shift the draws of every other.
 */
public final class Prng {
    private long s0, s1, s2, s3;

    public Prng(long seed) {
        long x = seed;
        s0 = splitmix(x += 0x9E3779B97F4A7C15L);
        s1 = splitmix(x += 0x9E3779B97F4A7C15L);
        s2 = splitmix(x += 0x9E3779B97F4A7C15L);
        s3 = splitmix(x + 0x9E3779B97F4A7C15L);
    }

    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A new generator whose stream depends only on this generator's seed and {@code label}. */
    public static Prng derive(long seed, String label) {
        long h = seed;
        for (int i = 0; i < label.length(); i++) h = splitmix(h ^ label.charAt(i)) + 0x9E3779B97F4A7C15L;
        return new Prng(h);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        Invariants.check(bound > 0, "bound must be positive: %d", bound);
        return (int) nextLong(bound);
    }

    /** Uniform in [0, bound), without modulo bias. */
    public long nextLong(long bound) {
        Invariants.check(bound > 0, "bound must be positive: %d", bound);
        long limit = Long.remainderUnsigned(-bound, bound);
        while (true) {
            long r = nextLong();
            long m = Math.unsignedMultiplyHigh(r, bound);
            long low = r * bound;
            if (Long.compareUnsigned(low, limit) >= 0) return m;
        }
    }

    /** Uniform in [min, max] inclusive. */
    public long between(long min, long max) {
        Invariants.check(min <= max, "empty range [%d, %d]", min, max);
        return min + nextLong(max - min + 1);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return p > 0 && (p >= 1 || nextDouble() < p);
    }

    public <T> T pick(java.util.List<T> items) {
        return items.get(nextInt(items.size()));
    }
}
