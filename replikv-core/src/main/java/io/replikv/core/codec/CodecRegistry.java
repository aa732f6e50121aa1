package io.replikv.core.codec;

import io.replikv.core.util.InvariantViolation;
import io.replikv.core.util.MalformedInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which record type travels under which tag. Every concrete record that can appear on the wire —
 * messages and the records nested in them — has one fixed tag; a tag, once used, means that type
 * forever (docs/wire-format.md). Immutable once built; {@link Builder#build()} checks every
 * registered type's fields, so a type the codec cannot carry fails at startup, not on the wire.
 */
public final class CodecRegistry {
    private final SortedMap<Integer, Class<?>> typesByTag;
    private final Map<Class<?>, RecordCodec> byClass; // lookups only, never iterated
    private final RecordCodec[] byTag;

    private CodecRegistry(List<Registration> registrations) {
        TreeMap<Integer, Class<?>> tags = new TreeMap<>();
        Map<Class<?>, Integer> classes = new LinkedHashMap<>();
        for (Registration reg : registrations) check(reg, tags, classes);
        this.typesByTag = Collections.unmodifiableSortedMap(tags);
        this.byClass = new LinkedHashMap<>();
        this.byTag = new RecordCodec[tags.isEmpty() ? 1 : tags.lastKey() + 1];
        for (Class<?> type : tags.values()) byClass.put(type, null); // known before any field refers to it
        FieldCodecs fieldCodecs = new FieldCodecs(this);
        for (Map.Entry<Integer, Class<?>> e : tags.entrySet()) {
            RecordCodec codec = RecordCodec.of(e.getKey(), e.getValue(), fieldCodecs);
            byClass.put(e.getValue(), codec);
            byTag[e.getKey()] = codec;
        }
    }

    private static void check(Registration reg, TreeMap<Integer, Class<?>> tags, Map<Class<?>, Integer> classes) {
        String what = "tag " + reg.tag() + " for " + (reg.type() == null ? "null" : reg.type().getName());
        if (reg.type() == null || !reg.type().isRecord()) throw new InvariantViolation(what + ": only record types can be registered");
        if (reg.tag() < 1 || reg.tag() > Codec.TAG_MAX) {
            throw new InvariantViolation(what + ": tags must lie in [1, " + Codec.TAG_MAX + "]");
        }
        Class<?> previous = tags.putIfAbsent(reg.tag(), reg.type());
        if (previous != null) throw new InvariantViolation(what + ": duplicate tag, already " + previous.getName());
        Integer previousTag = classes.putIfAbsent(reg.type(), reg.tag());
        if (previousTag != null) throw new InvariantViolation(what + ": duplicate class, already tag " + previousTag);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects registrations; {@link #build()} validates them all. */
    public static final class Builder {
        private final List<Registration> registrations = new ArrayList<>();

        private Builder() {}

        public Builder register(int tag, Class<? extends Record> type) {
            registrations.add(new Registration(tag, type));
            return this;
        }

        /** Throws {@link InvariantViolation} for a duplicate tag or class, a bad tag, or an unsupported field type. */
        public CodecRegistry build() {
            return new CodecRegistry(List.copyOf(registrations));
        }
    }

    private record Registration(int tag, Class<?> type) {}

    /** Every registered type by tag, in tag order. */
    public SortedMap<Integer, Class<?>> typesByTag() {
        return typesByTag;
    }

    public boolean isRegistered(Class<?> type) {
        return byClass.containsKey(type);
    }

    /** The tag of a registered type; an unregistered type is a bug of the caller. */
    public int tagOf(Class<?> type) {
        return codecFor(type).tag();
    }

    RecordCodec codecFor(Class<?> type) {
        RecordCodec codec = byClass.get(type);
        if (codec == null) throw new InvariantViolation("type " + type.getName() + " is not registered with the codec");
        return codec;
    }

    RecordCodec codecForTag(int tag) {
        RecordCodec codec = tag < byTag.length ? byTag[tag] : null;
        if (codec == null) throw new MalformedInputException("unknown tag " + tag);
        return codec;
    }
}
