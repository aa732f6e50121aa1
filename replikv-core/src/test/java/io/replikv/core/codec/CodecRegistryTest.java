package io.replikv.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.Message;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.util.InvariantViolation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Goal: a registry that could put something undecodable on the wire fails at build() with a message
 * naming the culprit (duplicate tag or class, tag out of range, an unsupported field type, a nested
 * record or sealed subtype without a tag), and the standard registry keeps to its documented tag ranges.
 */
class CodecRegistryTest {
    record WithFloat(float f) implements Message {}
    record WithChar(char c) implements Message {}
    record WithMap(Map<String, Long> m) implements Message {}
    record WithSet(Set<Long> s) implements Message {}
    record WithOptional(Optional<String> o) implements Message {}
    record WithObject(Object o) implements Message {}
    record WithArray(byte[] raw) implements Message {}
    record WithWildcard(List<? extends Number> numbers) implements Message {}
    record WithRawList(@SuppressWarnings("rawtypes") List raw) implements Message {}
    record WithGeneric<T>(T value) implements Message {}
    record WithCharSequence(CharSequence text) implements Message {}
    record WithUnregisteredRecord(Inner inner) implements Message {}
    record Inner(long x) {}
    record WithListOfUnsupported(List<Float> values) implements Message {}

    sealed interface Half permits Registered, NotRegistered {}
    record Registered() implements Half {}
    record NotRegistered() implements Half {}
    record WithHalfRegisteredSealed(Half half) implements Message {}

    private static void assertBuildFails(Class<? extends Record> type, String... fragments) {
        assertThatThrownBy(() -> CodecRegistry.builder().register(1, type).register(2, Registered.class).build())
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void unsupportedFieldTypesFailAtBuildNamingTheComponent() {
        assertBuildFails(WithFloat.class, "WithFloat.f", "float");
        assertBuildFails(WithChar.class, "WithChar.c", "char");
        assertBuildFails(WithMap.class, "WithMap.m", "Map");
        assertBuildFails(WithSet.class, "WithSet.s", "Set");
        assertBuildFails(WithOptional.class, "WithOptional.o", "Optional");
        assertBuildFails(WithObject.class, "WithObject.o", "java.lang.Object");
        assertBuildFails(WithArray.class, "WithArray.raw", "byte[]");
        assertBuildFails(WithWildcard.class, "WithWildcard.numbers[element]", "?");
        assertBuildFails(WithRawList.class, "WithRawList.raw", "java.util.List");
        assertBuildFails(WithGeneric.class, "WithGeneric.value", "T");
        assertBuildFails(WithCharSequence.class, "WithCharSequence.text", "CharSequence");
        assertBuildFails(WithListOfUnsupported.class, "WithListOfUnsupported.values[element]", "Float");
    }

    @Test
    void nestedRecordsAndSealedSubtypesNeedTags() {
        assertBuildFails(WithUnregisteredRecord.class, "WithUnregisteredRecord.inner", "Inner is not registered");
        assertBuildFails(WithHalfRegisteredSealed.class, "WithHalfRegisteredSealed.half", "NotRegistered is not registered");
        CodecRegistry ok = CodecRegistry.builder().register(1, WithHalfRegisteredSealed.class)
                .register(2, Registered.class).register(3, NotRegistered.class).build();
        assertThat(ok.typesByTag()).hasSize(3);
    }

    @Test
    void duplicateTagOrClass() {
        assertThatThrownBy(() -> CodecRegistry.builder().register(5, Registered.class).register(5, NotRegistered.class).build())
                .isInstanceOf(InvariantViolation.class).hasMessageContainingAll("tag 5", "duplicate tag", "Registered");
        assertThatThrownBy(() -> CodecRegistry.builder().register(5, Registered.class).register(6, Registered.class).build())
                .isInstanceOf(InvariantViolation.class).hasMessageContainingAll("tag 6", "duplicate class", "already tag 5");
    }

    @Test
    void tagsOutOfRange() {
        for (int tag : new int[] {0, -1, Codec.TAG_MAX + 1, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> CodecRegistry.builder().register(tag, Registered.class).build())
                    .isInstanceOf(InvariantViolation.class).hasMessageContaining("tags must lie in [1, " + Codec.TAG_MAX + "]");
        }
        assertThat(CodecRegistry.builder().register(Codec.TAG_MAX, Registered.class).build().tagOf(Registered.class))
                .isEqualTo(Codec.TAG_MAX);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void onlyRecordsCanBeRegistered() {
        Class raw = String.class;
        assertThatThrownBy(() -> CodecRegistry.builder().register(1, raw).build())
                .isInstanceOf(InvariantViolation.class).hasMessageContaining("only record types");
    }

    @Test
    void emptyRegistryDecodesNothing() {
        Codec empty = Codec.of(CodecRegistry.builder().build());
        assertThatThrownBy(() -> empty.decode(new byte[] {1, 1})).isInstanceOf(io.replikv.core.util.MalformedInputException.class);
    }

    @Test
    void standardRegistryKeepsToTheDocumentedRanges() {
        Map<Integer, Class<?>> types = Codec.standard().registry().typesByTag();
        assertThat(types).containsEntry(1, ClientRequest.class).containsEntry(3, io.replikv.core.msg.PeerHello.class)
                .containsEntry(21, Command.Put.class).containsEntry(41, Result.Missing.class);
        types.forEach((tag, type) -> {
            String pkg = type.getPackageName();
            boolean common = pkg.equals("io.replikv.core.msg") || pkg.equals("io.replikv.core.kv");
            int rangeStart = common ? 1 : switch (pkg.substring("io.replikv.core.".length()).split("\\.")[0]) {
                case "viewservice", "replicated" -> 100;
                case "pb" -> 200;
                case "twophase" -> 300;
                case "raft" -> 400;
                default -> 500;
            };
            int rangeEnd = rangeStart == 1 ? 99 : rangeStart + 99;
            assertThat(tag).as("tag of %s", type.getName()).isBetween(rangeStart, rangeEnd);
        });
    }

    @Test
    void standardCodecIsBuiltOnce() {
        assertThat(Codec.standard()).isSameAs(Codec.standard());
    }
}
