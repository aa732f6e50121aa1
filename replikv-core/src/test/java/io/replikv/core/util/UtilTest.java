package io.replikv.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The small pure helpers every core stands on: Prng, Timeout, Bytes, the binary reader's bounds. */
class UtilTest {
    @Test
    void prngIsReproducibleAndDerivedStreamsDiffer() {
        Prng a = new Prng(42), b = new Prng(42);
        for (int i = 0; i < 1000; i++) assertThat(a.nextLong()).isEqualTo(b.nextLong());
        assertThat(Prng.derive(42, "n1").nextLong()).isNotEqualTo(Prng.derive(42, "n2").nextLong());
        assertThat(Prng.derive(42, "n1").nextLong()).isEqualTo(Prng.derive(42, "n1").nextLong());
    }

    @Test
    void prngBoundsHoldAndAreRoughlyUniform() {
        Prng p = new Prng(7);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) counts[p.nextInt(10)]++;
        for (int c : counts) assertThat(c).isBetween(9_000, 11_000);
        for (int i = 0; i < 10_000; i++) assertThat(p.between(-3, 3)).isBetween(-3L, 3L);
        assertThat(p.chance(0)).isFalse();
        assertThat(p.chance(1)).isTrue();
        assertThatThrownBy(() -> p.nextInt(0)).isInstanceOf(InvariantViolation.class);
    }

    @Test
    void timeoutFiresAfterItsDurationAndBacksOffWithinTheCap() {
        Timeout t = new Timeout("t", 3);
        t.tick();
        assertThat(t.fired()).isFalse();
        t.start();
        t.tick();
        t.tick();
        assertThat(t.fired()).isFalse();
        t.tick();
        assertThat(t.fired()).isTrue();
        Prng p = new Prng(1);
        for (int i = 0; i < 20; i++) {
            t.backoff(p, 50);
            assertThat(t.durationTicks()).isBetween(1L, 50L);
        }
        t.stop();
        assertThat(t.fired()).isFalse();
        assertThat(t.durationTicks()).isEqualTo(3);
    }

    @Test
    void bytesCompareUnsignedAndPrintSafely() {
        assertThat(Bytes.wrap(new byte[] {(byte) 0xff}).compareTo(Bytes.of("a"))).isPositive();
        assertThat(Bytes.of("ab").concat(Bytes.of("c"))).isEqualTo(Bytes.of("abc"));
        assertThat(Bytes.wrap(new byte[] {0, 1}).toString()).isEqualTo("0x0001");
        byte[] raw = {1, 2};
        Bytes copied = Bytes.copyOf(raw);
        raw[0] = 9;
        assertThat(copied.byteAt(0)).isEqualTo((byte) 1);
    }

    @Test
    void readerRejectsTruncationAndAbsurdLengthsWithoutAllocating() {
        byte[] encoded = new BinaryWriter().writeLong(5).writeBytes(Bytes.of("hey")).writeVarLong(300).toByteArray();
        BinaryReader r = new BinaryReader(encoded);
        assertThat(r.readLong()).isEqualTo(5);
        assertThat(r.readBytes(10)).isEqualTo(Bytes.of("hey"));
        assertThat(r.readVarLong()).isEqualTo(300);
        r.expectEnd();
        byte[] absurd = new BinaryWriter().writeVarLong(Integer.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new BinaryReader(absurd).readBytes(Integer.MAX_VALUE))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new BinaryReader(absurd).readBytes(10)).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> new BinaryReader(new byte[] {(byte) 0x80, (byte) 0x80}).readVarLong())
                .isInstanceOf(MalformedInputException.class);
    }
}
