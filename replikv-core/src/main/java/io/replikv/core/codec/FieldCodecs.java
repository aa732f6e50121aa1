package io.replikv.core.codec;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * Chooses the codec of a record component from its declared (generic) type, once, when a
 * registry is built. Anything outside the supported set fails here with the component's name,
 * so an unsupported message type can never reach the wire.
 */
final class FieldCodecs {
    private final CodecRegistry registry;

    FieldCodecs(CodecRegistry registry) {
        this.registry = registry;
    }

    private static final Map<Class<?>, FieldCodec> PRIMITIVES = Map.of(
            long.class, ValueCodecs.LONG, int.class, ValueCodecs.INT, short.class, ValueCodecs.SHORT,
            byte.class, ValueCodecs.BYTE, boolean.class, ValueCodecs.BOOLEAN, double.class, ValueCodecs.DOUBLE);

    private static final Map<Class<?>, FieldCodec> BOXED_AND_VALUES = Map.of(
            Long.class, ValueCodecs.LONG, Integer.class, ValueCodecs.INT, Short.class, ValueCodecs.SHORT,
            Byte.class, ValueCodecs.BYTE, Boolean.class, ValueCodecs.BOOLEAN, Double.class, ValueCodecs.DOUBLE,
            String.class, ValueCodecs.STRING, Bytes.class, ValueCodecs.BYTES, NodeId.class, ValueCodecs.NODE_ID);

    /** The codec of a component declared as {@code type}; {@code where} names it in errors ("Foo.bar"). */
    FieldCodec forComponent(Type type, String where) {
        if (type instanceof Class<?> c && c.isPrimitive()) {
            FieldCodec codec = PRIMITIVES.get(c);
            if (codec == null) throw unsupported(where, type, "only long, int, short, byte, boolean and double primitives");
            return codec;
        }
        return ValueCodecs.nullable(forReference(type, where));
    }

    private FieldCodec forReference(Type type, String where) {
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            Type element = p.getActualTypeArguments()[0];
            return ValueCodecs.listOf(ValueCodecs.nullable(forReference(element, where + "[element]")));
        }
        if (!(type instanceof Class<?> c)) throw unsupported(where, type, "generic types other than List<T>");
        FieldCodec value = BOXED_AND_VALUES.get(c);
        if (value != null) return value;
        if (c.isEnum()) return ValueCodecs.enumOf(c);
        if (c.isRecord()) {
            requireRegistered(c, where);
            return ValueCodecs.recordOf(registry, c);
        }
        if (c.isInterface() && c.isSealed()) {
            requireClosed(c, where);
            return ValueCodecs.recordOf(registry, c);
        }
        if (c.isInterface() && Message.class.isAssignableFrom(c)) return ValueCodecs.recordOf(registry, c);
        throw unsupported(where, type, "not a supported field type");
    }

    private void requireRegistered(Class<?> record, String where) {
        if (!registry.isRegistered(record)) {
            throw new InvariantViolation(where + ": record type " + record.getName() + " is not registered");
        }
    }

    /** Every record a sealed interface permits, directly or through sealed sub-interfaces, must have a tag. */
    private void requireClosed(Class<?> sealed, String where) {
        for (Class<?> sub : sealed.getPermittedSubclasses()) {
            if (sub.isRecord()) {
                requireRegistered(sub, where + " (permitted by " + sealed.getName() + ")");
            } else if (sub.isInterface() && sub.isSealed()) {
                requireClosed(sub, where);
            } else {
                throw unsupported(where, sealed, "it permits " + sub.getName() + ", neither a record nor a sealed interface");
            }
        }
    }

    private static InvariantViolation unsupported(String where, Type type, String why) {
        return new InvariantViolation(where + ": unsupported field type " + type.getTypeName() + " (" + why + ")");
    }
}
