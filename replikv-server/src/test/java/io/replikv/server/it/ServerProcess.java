package io.replikv.server.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real replikv process for integration tests: {@code java -cp target/replikv.jar ...}, its output
 * captured line by line. Waiting is always for an observable line, with a deadline.
 */
final class ServerProcess implements AutoCloseable {
    static final long START_DEADLINE_SECONDS = 90;

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private ServerProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of("target", "replikv.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: run the package phase first");
        return jar;
    }

    /** Launches {@code Main} with {@code args}; stdout and stderr merged. */
    static ServerProcess launch(List<String> args) throws IOException {
        return launch(args, Map.of());
    }

    /** Launches {@code Main} with {@code args} and these environment variables added; stdout and stderr merged. */
    static ServerProcess launch(List<String> args, Map<String, String> environment) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                jar().toString(), "io.replikv.server.cli.Main"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        return new ServerProcess(pb.start());
    }

    /** A single-mode server on free ports; returns once it logged its addresses. */
    static Started startSingle(Path data) throws Exception {
        ServerProcess p = launch(List.of("server", "--mode", "single", "--name", "n1", "--client", "127.0.0.1:0",
                "--peer", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data", data.toString()));
        String line = p.awaitLine("event=listening");
        return new Started(p, port(line, "client"), port(line, "peer"), port(line, "http"));
    }

    record Started(ServerProcess process, int clientPort, int peerPort, int httpPort) {}

    private static int port(String line, String field) {
        Matcher m = Pattern.compile(field + "=[^ ]*:(\\d+)").matcher(line);
        if (!m.find()) throw new IllegalStateException("no " + field + " address in: " + line);
        return Integer.parseInt(m.group(1));
    }

    /** The first line (from now on) containing {@code text}; fails at the deadline or if the process ends. */
    String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_DEADLINE_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains(text)) return line;
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new AssertionError("process exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + output);
            }
        }
        throw new AssertionError("no '" + text + "' within " + START_DEADLINE_SECONDS + " s:\n" + output);
    }

    Process process() {
        return process;
    }

    String output() {
        return output.toString();
    }

    /** Waits (bounded) for the process to end by itself; its exit status, with every line of its output read. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("did not end within " + seconds + " s:\n" + output);
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return process.exitValue();
    }

    /** SIGTERM, then wait (bounded) for the exit status. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy(); // Process.destroy() would also close our end of its output

        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("did not stop within 60 s:\n" + output);
        reader.join(TimeUnit.SECONDS.toMillis(30)); // the reader ends at end-of-file: every line is in
        return process.exitValue();
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
