package io.replikv.core.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Named cases of the state machine: semantics of each command, limits, sessions, snapshots. */
class KvStateMachineTest {
    private static final Bytes K = Bytes.of("k");

    @Test
    void commandsHaveRedisLikeResults() {
        KvStateMachine sm = new KvStateMachine();
        assertThat(sm.apply(Request.untagged(new Command.Get(K)))).isEqualTo(Result.MISSING);
        assertThat(sm.apply(Request.untagged(new Command.Append(K, Bytes.of("ab"))))).isEqualTo(new Result.Length(2));
        assertThat(sm.apply(Request.untagged(new Command.Append(K, Bytes.of("c"))))).isEqualTo(new Result.Length(3));
        assertThat(sm.apply(Request.untagged(new Command.Get(K)))).isEqualTo(new Result.Value(Bytes.of("abc")));
        assertThat(sm.apply(Request.untagged(new Command.Put(K, Bytes.of("x"))))).isEqualTo(Result.WRITTEN);
        assertThat(sm.apply(Request.untagged(new Command.Delete(K)))).isEqualTo(new Result.Count(1));
        assertThat(sm.apply(Request.untagged(new Command.Delete(K)))).isEqualTo(new Result.Count(0));
        assertThat(sm.size()).isZero();
    }

    @Test
    void oversizedKeysAndValuesAreRefusedWithoutChange() {
        KvStateMachine sm = new KvStateMachine();
        Bytes bigKey = Bytes.wrap(new byte[KvLimits.KEY_BYTES_MAX + 1]);
        Bytes bigValue = Bytes.wrap(new byte[KvLimits.VALUE_BYTES_MAX + 1]);
        assertThat(KvStateMachine.validate(new Command.Put(bigKey, Bytes.EMPTY))).contains("key is");
        assertThat(sm.apply(Request.untagged(new Command.Put(K, bigValue)))).isInstanceOf(Result.Refused.class);
        assertThat(sm.size()).isZero();
        assertThat(sm.appliedCount()).isZero();
    }

    @Test
    void appendBeyondTheValueLimitIsRefusedAndLeavesTheValue() {
        KvStateMachine sm = new KvStateMachine();
        byte[] almost = new byte[KvLimits.VALUE_BYTES_MAX - 1];
        Arrays.fill(almost, (byte) 'a');
        sm.apply(Request.untagged(new Command.Put(K, Bytes.wrap(almost))));
        assertThat(sm.apply(Request.untagged(new Command.Append(K, Bytes.of("b"))))).isEqualTo(new Result.Length(KvLimits.VALUE_BYTES_MAX));
        assertThat(sm.apply(Request.untagged(new Command.Append(K, Bytes.of("c"))))).isInstanceOf(Result.Refused.class);
        assertThat(sm.data().get(K).length()).isEqualTo(KvLimits.VALUE_BYTES_MAX);
    }

    @Test
    void sessionsDeduplicateRefuseStaleAndExpire() {
        KvStateMachine sm = new KvStateMachine(2);
        assertThat(sm.apply(new Request(1, 1, new Command.Append(K, Bytes.of("a"))))).isEqualTo(new Result.Length(1));
        assertThat(sm.apply(new Request(1, 1, new Command.Append(K, Bytes.of("a"))))).isEqualTo(new Result.Length(1));
        assertThat(sm.apply(new Request(1, 2, new Command.Append(K, Bytes.of("b"))))).isEqualTo(new Result.Length(2));
        assertThat(sm.apply(new Request(1, 1, new Command.Append(K, Bytes.of("a"))))).isInstanceOf(Result.Refused.class);
        assertThat(sm.data().get(K)).isEqualTo(Bytes.of("ab"));
        // a client never seen with seq > 1: its session is gone, so refuse rather than risk a re-apply
        assertThat(sm.apply(new Request(9, 5, new Command.Put(K, Bytes.of("z")))))
                .isEqualTo(new Result.Refused(KvStateMachine.SESSION_EXPIRED));
        // capacity 2: clients 2 and 3 evict client 1, the least recently written
        sm.apply(new Request(2, 1, new Command.Put(Bytes.of("x"), Bytes.of("1"))));
        sm.apply(new Request(3, 1, new Command.Put(Bytes.of("y"), Bytes.of("1"))));
        assertThat(sm.sessions().size()).isEqualTo(2);
        assertThat(sm.sessions().get(1)).isNull();
        assertThat(sm.apply(new Request(1, 3, new Command.Append(K, Bytes.of("c")))))
                .isEqualTo(new Result.Refused(KvStateMachine.SESSION_EXPIRED));
        assertThat(sm.data().get(K)).isEqualTo(Bytes.of("ab"));
    }

    @Test
    void snapshotRoundTripsDataSessionsAndEvictionOrder() {
        KvStateMachine sm = new KvStateMachine(3);
        sm.apply(new Request(1, 1, new Command.Put(Bytes.of("a"), Bytes.of("1"))));
        sm.apply(new Request(2, 1, new Command.PutHash(Bytes.of("b"), Bytes.of("2"))));
        sm.apply(new Request(3, 1, new Command.Append(Bytes.of("c"), Bytes.wrap(new byte[] {0, -1, 7}))));
        sm.apply(new Request(1, 2, new Command.Delete(Bytes.of("zz"))));
        KvStateMachine copy = KvStateMachine.restore(sm.snapshot());
        assertThat(copy.data()).isEqualTo(sm.data());
        assertThat(copy.sessions().sameAs(sm.sessions())).isTrue();
        assertThat(copy.digest()).isEqualTo(sm.digest());
        // the same next request evicts the same session on both
        sm.apply(new Request(4, 1, new Command.Put(Bytes.of("d"), Bytes.of("4"))));
        copy.apply(new Request(4, 1, new Command.Put(Bytes.of("d"), Bytes.of("4"))));
        assertThat(copy.digest()).isEqualTo(sm.digest());
        assertThat(sm.sessions().get(2)).isNull();
    }

    @Test
    void corruptSnapshotsAreRejectedAsMalformed() {
        KvStateMachine sm = new KvStateMachine();
        sm.apply(Request.untagged(new Command.Put(Bytes.of("a"), Bytes.of("1"))));
        byte[] good = sm.snapshot().toByteArray();
        assertThatThrownBy(() -> KvStateMachine.restore(Bytes.wrap(Arrays.copyOf(good, good.length - 1))))
                .isInstanceOf(MalformedInputException.class);
        byte[] badFormat = good.clone();
        badFormat[0] = 99;
        assertThatThrownBy(() -> KvStateMachine.restore(Bytes.wrap(badFormat))).isInstanceOf(MalformedInputException.class);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> KvStateMachine.restore(Bytes.wrap(trailing))).isInstanceOf(MalformedInputException.class);
    }
}
