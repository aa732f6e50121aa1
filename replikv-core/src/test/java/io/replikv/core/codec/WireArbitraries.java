package io.replikv.core.codec;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.PeerHello;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of wire values for the codec properties: every common message and every record that
 * nests in them, with the awkward values mixed in (empty and binary Bytes, long extremes, non-ASCII
 * and supplementary-plane strings, nulls wherever a record accepts them).
 */
final class WireArbitraries {
    private WireArbitraries() {}

    /** Probability of null for a nullable reference field. */
    private static final double NULL_PROBABILITY = 0.15;

    static Arbitrary<Long> longs() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, 127L, 128L)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs()));
    }

    static Arbitrary<Integer> ints() {
        return Arbitraries.oneOf(Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1), Arbitraries.integers());
    }

    static Arbitrary<Bytes> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.just(Bytes.EMPTY),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(80).map(Bytes::copyOf),
                Arbitraries.strings().alpha().ofMaxLength(12).map(Bytes::of));
    }

    /** Valid Unicode only: unpaired surrogates cannot round-trip through UTF-8 (documented in docs/wire-format.md). */
    static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoint = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 0x7f),
                Arbitraries.integers().between(0x80, 0xd7ff),
                Arbitraries.integers().between(0xe000, 0x10ffff));
        Arbitrary<String> unicode = codePoint.list().ofMaxSize(20)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().alpha().numeric().ofMaxLength(30), unicode);
    }

    static Arbitrary<NodeId> nodeIds() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(NodeId.NAME_LENGTH_MAX).map(NodeId::new);
    }

    static Arbitrary<Command> commands() {
        Arbitrary<Bytes> key = bytes().injectNull(NULL_PROBABILITY);
        Arbitrary<Bytes> value = bytes().injectNull(NULL_PROBABILITY);
        return Arbitraries.oneOf(
                key.map(Command.Get::new),
                Combinators.combine(key, value).as(Command.Put::new),
                Combinators.combine(key, value).as(Command.Append::new),
                Combinators.combine(key, value).as(Command.PutHash::new),
                key.map(Command.Delete::new));
    }

    static Arbitrary<Request> requests() {
        Arbitrary<Long> clientId = longs().filter(id -> id != Request.UNTAGGED);
        Arbitrary<Long> seq = Arbitraries.oneOf(Arbitraries.of(1L, Long.MAX_VALUE), Arbitraries.longs().between(1, Long.MAX_VALUE));
        return Arbitraries.oneOf(
                commands().map(Request::untagged),
                Combinators.combine(clientId, seq, commands()).as(Request::new));
    }

    static Arbitrary<Result> results() {
        return Arbitraries.oneOf(
                bytes().injectNull(NULL_PROBABILITY).map(Result.Value::new),
                Arbitraries.just(Result.MISSING),
                Arbitraries.just(Result.WRITTEN),
                longs().map(Result.Length::new),
                longs().map(Result.Count::new),
                strings().injectNull(NULL_PROBABILITY).map(Result.Refused::new));
    }

    static Arbitrary<Reply> replies() {
        return Arbitraries.oneOf(
                results().injectNull(NULL_PROBABILITY).map(Reply.Applied::new),
                Combinators.combine(
                        Arbitraries.of(Reply.RejectCode.class).injectNull(NULL_PROBABILITY),
                        strings().injectNull(NULL_PROBABILITY),
                        nodeIds().injectNull(0.4)).as(Reply.Rejected::new),
                strings().injectNull(NULL_PROBABILITY).map(Reply.Uncertain::new));
    }

    /** Every top-level message of tags 1–99. */
    static Arbitrary<Message> messages() {
        return Arbitraries.oneOf(
                Combinators.combine(longs(), requests().injectNull(NULL_PROBABILITY)).as(ClientRequest::new),
                Combinators.combine(longs(), replies().injectNull(NULL_PROBABILITY)).as(ClientReply::new),
                Combinators.combine(strings().injectNull(NULL_PROBABILITY), ints()).as(PeerHello::new));
    }

    /** Values of the test-only types in {@link TestTypes}, which use every supported field type. */
    static Arbitrary<Message> testMessages() {
        return Arbitraries.oneOf(everything(), Arbitraries.just(new TestTypes.Empty()), chains(),
                shapes(3).injectNull(NULL_PROBABILITY).map(TestTypes.Deep::new));
    }

    static Arbitrary<Message> chains() {
        return Arbitraries.integers().between(1, Codec.NESTING_DEPTH_MAX).map(TestTypes::chainOfDepth);
    }

    static Arbitrary<TestTypes.Shape> shapes(int depth) {
        Arbitrary<TestTypes.Shape> circle = Arbitraries.doubles().map(TestTypes.Circle::new);
        Arbitrary<TestTypes.Shape> square = Combinators.combine(longs(), Arbitraries.of(TestTypes.Color.class).injectNull(0.2))
                .as(TestTypes.Square::new);
        if (depth == 0) return Arbitraries.oneOf(circle, square);
        Arbitrary<TestTypes.Shape> group = shapes(depth - 1).injectNull(0.1).list().ofMaxSize(3).map(TestTypes.Group::new);
        return Arbitraries.oneOf(circle, square, group);
    }

    static Arbitrary<Message> everything() {
        Arbitrary<TestTypes.Scalars> scalars = Combinators.combine(
                longs(), ints(), Arbitraries.shorts(), Arbitraries.bytes(), Arbitraries.of(true, false),
                Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(Double.NaN, -0.0, Double.NEGATIVE_INFINITY, Double.MIN_VALUE)))
                .as(TestTypes.Scalars::new);
        Arbitrary<TestTypes.References> references = Combinators.combine(
                strings().injectNull(NULL_PROBABILITY), bytes().injectNull(NULL_PROBABILITY),
                nodeIds().injectNull(NULL_PROBABILITY), Arbitraries.of(TestTypes.Color.class).injectNull(NULL_PROBABILITY),
                longs().injectNull(NULL_PROBABILITY), longs().injectNull(0.1).list().ofMaxSize(5).injectNull(NULL_PROBABILITY),
                strings().injectNull(0.1).list().ofMaxSize(3).list().ofMaxSize(3).injectNull(NULL_PROBABILITY),
                nodeIds().injectNull(0.2).list().ofMaxSize(4).injectNull(NULL_PROBABILITY))
                .as(TestTypes.References::new);
        Arbitrary<Message> any = Arbitraries.oneOf(messages(), Arbitraries.just(new TestTypes.Empty())).injectNull(NULL_PROBABILITY);
        Arbitrary<TestTypes.Nested> nested = Combinators.combine(
                Arbitraries.doubles().map(TestTypes.Circle::new).injectNull(NULL_PROBABILITY),
                shapes(2).injectNull(NULL_PROBABILITY), any,
                Arbitraries.of(Short.MIN_VALUE, (short) 0, Short.MAX_VALUE).injectNull(NULL_PROBABILITY),
                Arbitraries.of(true, false).injectNull(NULL_PROBABILITY))
                .as(TestTypes.Nested::new);
        return Combinators.combine(scalars, references, nested).as(TestTypes.Everything::new);
    }

    /** Collects the classes of every record reachable from {@code value} (through record components and lists). */
    static void collectRecordClasses(Object value, java.util.Set<Class<?>> out) {
        if (value instanceof List<?> list) {
            for (Object e : list) collectRecordClasses(e, out);
        } else if (value instanceof Record record) {
            out.add(record.getClass());
            for (var c : record.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    collectRecordClasses(c.getAccessor().invoke(record), out);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
