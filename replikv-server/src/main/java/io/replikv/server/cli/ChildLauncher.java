package io.replikv.server.cli;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a member of a local cluster as its own OS process (this same program, {@code java -cp}
 * with this process's class path) and asks a member whether it is ready. Shared by
 * {@code replikv cluster}, which starts every member, and {@code replikv check}, which restarts
 * the ones its nemesis stopped, so that a restarted member runs exactly as the cluster ran it.
 */
public final class ChildLauncher {
    /** How long one /readyz probe may take, in milliseconds: a paused or overloaded node must not stall the poll. */
    static final long READY_PROBE_TIMEOUT_MS = 2_000;

    private ChildLauncher() {}

    /**
     * Starts {@code Main args --parent-pid parentPid}, stdout and stderr appended to {@code logFile}.
     * The child stops when process {@code parentPid} goes away. When that parent is this process,
     * the child's stdin is a pipe from here that this process never closes, so the child also sees
     * end-of-file if we die by SIGKILL (see ParentWatch); otherwise stdin is /dev/null and the
     * child watches the parent's pid only.
     */
    public static Process start(List<String> args, long parentPid, Path logFile) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        command.addAll(List.of("--parent-pid", Long.toString(parentPid)));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (parentPid != ProcessHandle.current().pid()) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    /** True when {@code http://httpAddress/readyz} answers 200 within {@link #READY_PROBE_TIMEOUT_MS}. */
    public static boolean ready(HttpClient http, String httpAddress) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + httpAddress + "/readyz"))
                .timeout(Duration.ofMillis(READY_PROBE_TIMEOUT_MS)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
