package io.replikv.core.codec;

import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.BinaryWriter;
import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.MalformedInputException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;

/**
 * The body codec of one registered record type: its components in declaration order, each through
 * its {@link FieldCodec}. Accessors and the canonical constructor are resolved once into method
 * handles, so encoding and decoding do no reflective lookups.
 */
final class RecordCodec {
    private final int tag;
    private final Class<?> type;
    private final String[] names;
    private final MethodHandle[] accessors; // (Object) -> Object
    private final FieldCodec[] fields;
    private final MethodHandle constructor; // (Object[]) -> Object

    private RecordCodec(int tag, Class<?> type, String[] names, MethodHandle[] accessors, FieldCodec[] fields,
            MethodHandle constructor) {
        this.tag = tag;
        this.type = type;
        this.names = names;
        this.accessors = accessors;
        this.fields = fields;
        this.constructor = constructor;
    }

    /** Resolves everything about {@code type}; an unsupported component or inaccessible record fails here. */
    static RecordCodec of(int tag, Class<?> type, FieldCodecs fieldCodecs) {
        RecordComponent[] components = type.getRecordComponents();
        int n = components.length;
        String[] names = new String[n];
        MethodHandle[] accessors = new MethodHandle[n];
        FieldCodec[] fields = new FieldCodec[n];
        Class<?>[] parameterTypes = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            RecordComponent c = components[i];
            names[i] = c.getName();
            parameterTypes[i] = c.getType();
            fields[i] = fieldCodecs.forComponent(c.getGenericType(), type.getName() + "." + c.getName());
            accessors[i] = accessor(type, c);
        }
        return new RecordCodec(tag, type, names, accessors, fields, constructor(type, parameterTypes));
    }

    private static MethodHandle accessor(Class<?> type, RecordComponent c) {
        try {
            var method = c.getAccessor();
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method).asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new InvariantViolation("cannot access " + type.getName() + "." + c.getName() + ": " + e);
        }
    }

    private static MethodHandle constructor(Class<?> type, Class<?>[] parameterTypes) {
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            return MethodHandles.lookup().unreflectConstructor(canonical)
                    .asSpreader(Object[].class, parameterTypes.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new InvariantViolation("cannot access the canonical constructor of " + type.getName() + ": " + e);
        }
    }

    int tag() {
        return tag;
    }

    Class<?> type() {
        return type;
    }

    /** The components of {@code record} (an instance of {@link #type()}) at nesting {@code depth}. */
    void writeBody(BinaryWriter w, Object record, int depth) {
        Invariants.check(depth <= Codec.NESTING_DEPTH_MAX, "%s nests deeper than %d", type.getName(), Codec.NESTING_DEPTH_MAX);
        for (int i = 0; i < fields.length; i++) fields[i].write(w, component(record, i), depth);
    }

    private Object component(Object record, int i) {
        try {
            return (Object) accessors[i].invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new InvariantViolation("accessor " + type.getName() + "." + names[i] + " threw " + e);
        }
    }

    /** Reads the components and calls the canonical constructor; a constructor's refusal is malformed input. */
    Object readBody(BinaryReader r, int depth) {
        if (depth > Codec.NESTING_DEPTH_MAX) throw new MalformedInputException("nesting deeper than " + Codec.NESTING_DEPTH_MAX);
        Object[] args = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) args[i] = fields[i].read(r, depth);
        try {
            return (Object) constructor.invokeExact(args);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new MalformedInputException(type.getName() + " refused the decoded values: " + e, e);
        }
    }
}
