package io.replikv.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import java.util.Arrays;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Goal: the checker's per-key model is the real state machine, restricted to one key: the same
 * results (refusals word for word) and the same value after every command of a random sequence,
 * including values near the size limit where Append and Put are refused.
 */
class KvModelTest {
    private static final Bytes KEY = Bytes.of("k");

    @Property(tries = 200, edgeCases = EdgeCasesMode.FIRST)
    void modelAgreesWithTheStateMachine(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int steps) {
        Prng prng = new Prng(seed);
        KvStateMachine sm = new KvStateMachine();
        Bytes value = null;
        for (int i = 0; i < steps; i++) {
            Command command = command(prng, i);
            Result expected = sm.apply(Request.untagged(command));
            KvModel.Step step = KvModel.apply(value, command);
            assertThat(step.result()).as("seed %d step %d %s", seed, i, command).isEqualTo(expected);
            value = step.next();
            assertThat(value).as("seed %d step %d value", seed, i).isEqualTo(sm.data().get(KEY));
        }
    }

    private static Command command(Prng prng, int i) {
        return switch (prng.nextInt(7)) {
            case 0 -> new Command.Get(KEY);
            case 1 -> new Command.Put(KEY, Bytes.of("v" + i));
            case 2 -> new Command.Append(KEY, Bytes.of("a" + i));
            case 3 -> new Command.PutHash(KEY, Bytes.of("h" + i));
            case 4 -> new Command.Delete(KEY);
            case 5 -> new Command.Put(KEY, filled(KvLimits.VALUE_BYTES_MAX - prng.nextInt(3)));
            default -> new Command.Append(KEY, filled(prng.chance(0.5) ? 1 : KvLimits.VALUE_BYTES_MAX + 1));
        };
    }

    private static Bytes filled(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 'x');
        return Bytes.wrap(b);
    }
}
