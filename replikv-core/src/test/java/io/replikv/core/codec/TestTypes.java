package io.replikv.core.codec;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.util.Bytes;
import java.util.List;

/**
 * Test-only wire types that together use every field type the codec supports (the production
 * messages use only some of them), plus a self-nesting record to reach the nesting limit.
 */
final class TestTypes {
    private TestTypes() {}

    enum Color { RED, GREEN, BLUE }

    sealed interface Shape permits Circle, Square, Group {}

    record Circle(double radius) implements Shape {}

    record Square(long side, Color color) implements Shape {}

    record Group(List<Shape> members) implements Shape {}

    record Scalars(long l, int i, short s, byte b, boolean z, double d) {}

    record References(String text, Bytes bytes, NodeId node, Color color, Long boxed, List<Long> longs,
            List<List<String>> nested, List<NodeId> nodes) {}

    record Nested(Circle circle, Shape shape, Message any, Short boxedShort, Boolean boxedBoolean) {}

    record Everything(Scalars scalars, References references, Nested nested) implements Message {}

    record Empty() implements Message {}

    record Deep(Shape shape) implements Message {}

    /** Each link is one nesting level: a chain of n links nests n deep. */
    record Chain(Chain next) implements Message {}

    record Flag(boolean on) implements Message {}

    record Numbers(List<Long> values) implements Message {}

    /** Refuses negative values, like compact constructors of real messages refuse broken invariants. */
    record Positive(long value) implements Message {
        Positive {
            io.replikv.core.util.Invariants.check(value > 0, "value must be positive: %d", value);
        }
    }

    static final int TAG_EVERYTHING = 9000;
    static final int TAG_CHAIN = 9008;
    static final int TAG_FLAG = 9009;
    static final int TAG_NUMBERS = 9010;
    static final int TAG_POSITIVE = 9011;

    /** The common types (so a Message field can hold them) plus the test types, tags 9000+. */
    static CodecRegistry registry() {
        return Codecs.registerCommon(CodecRegistry.builder())
                .register(TAG_EVERYTHING, Everything.class)
                .register(9001, Scalars.class)
                .register(9002, References.class)
                .register(9003, Nested.class)
                .register(9004, Circle.class)
                .register(9005, Square.class)
                .register(9006, Group.class)
                .register(9007, Empty.class)
                .register(TAG_CHAIN, Chain.class)
                .register(TAG_FLAG, Flag.class)
                .register(TAG_NUMBERS, Numbers.class)
                .register(TAG_POSITIVE, Positive.class)
                .register(9012, Deep.class)
                .build();
    }

    static Chain chainOfDepth(int depth) {
        Chain chain = new Chain(null);
        for (int i = 1; i < depth; i++) chain = new Chain(chain);
        return chain;
    }
}
