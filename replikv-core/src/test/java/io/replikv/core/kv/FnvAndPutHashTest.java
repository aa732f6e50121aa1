package io.replikv.core.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.util.Bytes;
import org.junit.jupiter.api.Test;

/** PutHash's hash and its at-most-once chain, against the vectors of specs/mit-6824-tests.md §4.3. */
class FnvAndPutHashTest {
    @Test
    void fnv1a32MatchesReferenceVectors() {
        assertThat(Fnv1a.hash32(Bytes.of(""))).isEqualTo(2166136261L);
        assertThat(Fnv1a.hash32(Bytes.of("a"))).isEqualTo(3826002220L);
        assertThat(Fnv1a.hash32(Bytes.of("foobar"))).isEqualTo(3214735720L);
        assertThat(Fnv1a.hash32(Bytes.of("foo"), Bytes.of("bar"))).isEqualTo(3214735720L);
    }

    @Test
    void putHashChainMatchesTheOriginalTest() {
        KvStateMachine sm = new KvStateMachine();
        Bytes key = Bytes.of("k");
        String previous = "";
        String[] expectedAfter = {"890022063", "78513644", "3250269825", "2838261054", "4175298000"};
        for (int i = 0; i < 100; i++) {
            Result r = sm.apply(new Request(42, i + 1, new Command.PutHash(key, Bytes.of(Integer.toString(i)))));
            assertThat(r).isEqualTo(new Result.Value(Bytes.of(previous)));
            previous = sm.data().get(key).utf8();
            if (i < expectedAfter.length) assertThat(previous).isEqualTo(expectedAfter[i]);
        }
        assertThat(previous).isEqualTo("3868028174");
    }

    @Test
    void duplicatePutHashReturnsTheFirstReplyAndDoesNotReapply() {
        KvStateMachine sm = new KvStateMachine();
        Bytes key = Bytes.of("k");
        Request first = new Request(7, 1, new Command.PutHash(key, Bytes.of("0")));
        Result once = sm.apply(first);
        Bytes stored = sm.data().get(key);
        Result again = sm.apply(first);
        assertThat(again).isEqualTo(once).isEqualTo(new Result.Value(Bytes.EMPTY));
        assertThat(sm.data().get(key)).isEqualTo(stored);
        assertThat(sm.appliedCount()).isEqualTo(1);
    }
}
