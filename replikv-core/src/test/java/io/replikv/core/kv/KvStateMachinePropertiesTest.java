package io.replikv.core.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The state machine against a deliberately naive model (a HashMap of Strings and a map of
 * per-client last replies with no capacity): same results, same final contents, for random
 * request sequences full of retransmissions; and a snapshot taken anywhere continues identically.
 */
class KvStateMachinePropertiesTest {
    /** One step: which client, whether it retries its last request, and the command. */
    record Step(int client, boolean retry, Command command) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Bytes> keys = Arbitraries.of("a", "b", "c").map(Bytes::of);
        Arbitrary<Bytes> values = Arbitraries.strings().withChars("xyz01").ofMaxLength(4).map(Bytes::of);
        Arbitrary<Command> commands = Arbitraries.oneOf(
                keys.map(Command.Get::new),
                Combinators.combine(keys, values).as(Command.Put::new),
                Combinators.combine(keys, values).as(Command.Append::new),
                Combinators.combine(keys, values).as(Command.PutHash::new),
                keys.map(Command.Delete::new));
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false, false, false), commands).as(Step::new);
        return step.list().ofMaxSize(200);
    }

    /** The naive model of what a tagged request sequence must produce. */
    static final class Model {
        final Map<String, String> data = new HashMap<>();
        final Map<Integer, Result> lastReply = new HashMap<>();

        Result apply(Command c) {
            String k = c.key().utf8();
            String old = data.get(k);
            return switch (c) {
                case Command.Get g -> old == null ? Result.MISSING : new Result.Value(Bytes.of(old));
                case Command.Put p -> {
                    data.put(k, p.value().utf8());
                    yield Result.WRITTEN;
                }
                case Command.Append a -> {
                    String v = (old == null ? "" : old) + a.value().utf8();
                    data.put(k, v);
                    yield new Result.Length(v.length());
                }
                case Command.PutHash h -> {
                    String prev = old == null ? "" : old;
                    data.put(k, Long.toString(Fnv1a.hash32(Bytes.of(prev + h.value().utf8()))));
                    yield new Result.Value(Bytes.of(prev));
                }
                case Command.Delete d -> new Result.Count(data.remove(k) == null ? 0 : 1);
            };
        }
    }

    @Property(tries = 300)
    void matchesNaiveModelUnderRetransmissions(@ForAll("steps") List<Step> steps) {
        KvStateMachine sm = new KvStateMachine();
        Model model = new Model();
        long[] seq = new long[4];
        Command[] lastWrite = new Command[4];
        for (Step s : steps) {
            if (s.command().readOnly()) {
                assertThat(sm.apply(Request.untagged(s.command()))).isEqualTo(model.apply(s.command()));
                continue;
            }
            boolean retry = s.retry() && lastWrite[s.client()] != null;
            if (retry) {
                Result r = sm.apply(new Request(s.client() + 1, seq[s.client()], lastWrite[s.client()]));
                assertThat(r).as("retransmission gets the recorded reply").isEqualTo(model.lastReply.get(s.client()));
            } else {
                seq[s.client()]++;
                lastWrite[s.client()] = s.command();
                Result expected = model.apply(s.command());
                model.lastReply.put(s.client(), expected);
                assertThat(sm.apply(new Request(s.client() + 1, seq[s.client()], s.command()))).isEqualTo(expected);
            }
        }
        Map<String, String> actual = new HashMap<>();
        sm.data().forEach((k, v) -> actual.put(k.utf8(), v.utf8()));
        assertThat(actual).isEqualTo(model.data);
    }

    @Property(tries = 200)
    void snapshotAnywhereContinuesIdentically(@ForAll("steps") List<Step> steps) {
        KvStateMachine a = new KvStateMachine(2);
        KvStateMachine b = null;
        long[] seq = new long[4];
        List<Request> requests = new ArrayList<>();
        for (Step s : steps) {
            requests.add(s.retry() && seq[s.client()] > 0
                    ? new Request(s.client() + 1, seq[s.client()], s.command())
                    : new Request(s.client() + 1, ++seq[s.client()], s.command()));
        }
        int cut = requests.size() / 2;
        for (int i = 0; i < requests.size(); i++) {
            if (i == cut) b = KvStateMachine.restore(a.snapshot());
            Result ra = a.apply(requests.get(i));
            if (b != null) assertThat(b.apply(requests.get(i))).isEqualTo(ra);
        }
        if (b != null) {
            assertThat(b.digest()).isEqualTo(a.digest());
            assertThat(b.data()).isEqualTo(a.data());
        }
    }
}
