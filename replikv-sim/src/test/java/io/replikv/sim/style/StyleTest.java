package io.replikv.sim.style;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The "tidy" test (after TigerBeetle's): the bans of shared/style.md hold in the deterministic
 * code — replikv-core and replikv-sim's main sources — and replikv-core depends on nothing. A
 * ban broken here would make a simulation unreproducible or let I/O into a protocol core.
 */
class StyleTest {
    /** A banned construct: what it matches, and why it is banned. */
    record Ban(Pattern pattern, String why) {
        static Ban of(String regex, String why) {
            return new Ban(Pattern.compile(regex), why);
        }
    }

    static final List<Ban> DETERMINISM = List.of(
            Ban.of("System\\s*\\.\\s*(currentTimeMillis|nanoTime)\\b", "wall clock: time is ticks"),
            Ban.of("\\bjava\\.time\\b|\\bInstant\\s*\\.\\s*now\\b", "wall clock: time is ticks"),
            Ban.of("Math\\s*\\.\\s*random\\b", "unseeded randomness: use Prng"),
            Ban.of("\\bThreadLocalRandom\\b|\\bSecureRandom\\b", "unseeded randomness: use Prng"),
            Ban.of("new\\s+(java\\.util\\.)?Random\\s*\\(", "java.util.Random: use Prng"),
            Ban.of("UUID\\s*\\.\\s*randomUUID\\b", "unseeded randomness: use Prng"),
            Ban.of("Thread\\s*\\.\\s*sleep\\b|\\bnew\\s+Thread\\b|Thread\\s*\\.\\s*of", "threads and sleeps: one thread, virtual time"),
            Ban.of("\\bsynchronized\\b|\\bjava\\.util\\.concurrent\\b|\\bExecutors?\\b", "concurrency: cores are single-threaded"),
            Ban.of("new\\s+Hash(Map|Set)\\s*<", "hash iteration order: use LinkedHashMap, TreeMap or sort"),
            Ban.of("^\\s*assert\\s", "the assert keyword is off without -ea: use Invariants.check"));

    static final List<Ban> NO_IO = List.of(
            Ban.of("\\bimport\\s+java\\.(net|nio\\.file|nio\\.channels)\\.", "I/O in a protocol core"),
            Ban.of("\\bimport\\s+java\\.io\\.(File|Random|Input|Output|Buffered|Print|Reader|Writer)", "I/O in a protocol core"),
            Ban.of("\\bSystem\\s*\\.\\s*(out|err|in)\\b", "console I/O in a protocol core"));

    static List<String> violations(String file, String source, List<Ban> bans) {
        List<String> found = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        boolean inBlockComment = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (inBlockComment) {
                if (trimmed.contains("*/")) inBlockComment = false;
                continue;
            }
            if (trimmed.startsWith("/*")) {
                inBlockComment = !trimmed.contains("*/");
                continue;
            }
            if (trimmed.startsWith("//") || trimmed.startsWith("*")) continue;
            String code = line.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//.*$", "");
            for (Ban ban : bans) {
                if (ban.pattern().matcher(code).find()) found.add(file + ":" + (i + 1) + ": " + ban.why() + ": " + trimmed);
            }
        }
        return found;
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("replikv-core/pom.xml"))) p = p.getParent();
        assertThat(p).as("repository root above the working directory").isNotNull();
        return p;
    }

    private static List<String> scan(Path dir, List<Ban> bans) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> found = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                found.addAll(violations(dir.relativize(f).toString(), Files.readString(f), bans));
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void coreIsDeterministicAndDoesNoIo() {
        List<Ban> bans = new ArrayList<>(DETERMINISM);
        bans.addAll(NO_IO);
        assertThat(scan(repoRoot().resolve("replikv-core/src/main/java"), bans)).isEmpty();
    }

    @Test
    void simulatorIsDeterministic() {
        assertThat(scan(repoRoot().resolve("replikv-sim/src/main/java"), DETERMINISM)).isEmpty();
    }

    @Test
    void coreHasNoDependencies() throws IOException {
        String pom = Files.readString(repoRoot().resolve("replikv-core/pom.xml"));
        assertThat(pom).as("replikv-core/pom.xml declares no dependencies").doesNotContain("<dependency>");
    }

    @Test
    void theRulesCatchWhatTheyBan() {
        String bad = """
                import java.net.Socket;
                class X {
                  long t = System.currentTimeMillis();
                  java.util.Map<String, String> m = new HashMap<>();
                  synchronized void f() { Thread.sleep(1); }
                  double r = Math.random();
                }
                """;
        List<Ban> bans = new ArrayList<>(DETERMINISM);
        bans.addAll(NO_IO);
        assertThat(violations("X.java", bad, bans)).hasSize(6); // line 5 breaks two bans
        String fine = """
                // System.currentTimeMillis() in a comment is fine
                /* new HashMap<>() too
                   and Thread.sleep */
                class Y { String s = "Math.random()"; java.util.Map<String, String> m = new java.util.TreeMap<>(); }
                """;
        assertThat(violations("Y.java", fine, bans)).isEmpty();
    }
}
