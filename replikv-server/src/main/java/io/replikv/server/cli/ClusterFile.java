package io.replikv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replikv.client.cli.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DATA/cluster.json}: what {@code replikv cluster} started, for machines ({@code replikv
 * check}, scripts). Written by the cluster once every process is launched, and rewritten by
 * whoever restarts a member (today {@code replikv check}), always whole and by an atomic rename,
 * so a reader never sees half a file. docs/operations.md describes the fields.
 *
 * @param format     {@link #FORMAT}; a reader refuses other values
 * @param clusterPid the {@code replikv cluster} process: every member stops when it goes away
 * @param processes  the view service (if any) first, then the nodes n1..nN
 */
public record ClusterFile(int format, String mode, int nodes, int basePort, int tickMs, String data, long clusterPid,
                          List<Member> processes) {
    public static final String FILE_NAME = "cluster.json";

    /** The layout version of the file; bumped when a field changes meaning. */
    public static final int FORMAT = 1;

    /** Who launched a member's current process: the cluster itself, or a restart by {@code replikv check}. */
    public static final String STARTED_BY_CLUSTER = "cluster";
    public static final String STARTED_BY_CHECK = "check";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One process of the cluster.
     *
     * @param role      "viewservice" or "server"
     * @param client    RESP address, null for the view service
     * @param args      the exact arguments after {@code java -cp JAR io.replikv.server.cli.Main} that start it
     *                  (without the hidden {@code --parent-pid})
     * @param startedBy {@link #STARTED_BY_CLUSTER} or {@link #STARTED_BY_CHECK}
     */
    public record Member(String name, String role, long pid, String client, String peer, String http, List<String> args,
                         String log, String startedBy) {
        public Member {
            args = List.copyOf(args);
        }

        public boolean server() {
            return role.equals("server");
        }
    }

    public ClusterFile {
        processes = List.copyOf(processes);
    }

    public static Path path(Path data) {
        return data.resolve(FILE_NAME);
    }

    public Optional<Member> member(String name) {
        return processes.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The same cluster with member {@code name} now running as {@code pid}. */
    public ClusterFile withPid(String name, long pid, String startedBy) {
        List<Member> updated = new ArrayList<>();
        boolean found = false;
        for (Member m : processes) {
            if (m.name().equals(name)) {
                found = true;
                m = new Member(m.name(), m.role(), pid, m.client(), m.peer(), m.http(), m.args(), m.log(), startedBy);
            }
            updated.add(m);
        }
        if (!found) throw new IllegalArgumentException("no member " + name + " in " + FILE_NAME);
        return new ClusterFile(format, mode, nodes, basePort, tickMs, data, clusterPid, updated);
    }

    /** Writes {@code DIR/cluster.json} whole: to a temporary file first, then renamed over the old one. */
    public void write(Path dir) throws IOException {
        Path target = path(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp-" + ProcessHandle.current().pid());
        Files.writeString(tmp, Json.write(toMap()) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("mode", mode);
        m.put("nodes", nodes);
        m.put("basePort", basePort);
        m.put("tickMs", tickMs);
        m.put("data", data);
        m.put("clusterPid", clusterPid);
        List<Object> list = new ArrayList<>();
        for (Member p : processes) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("role", p.role());
            pm.put("pid", p.pid());
            pm.put("client", p.client());
            pm.put("peer", p.peer());
            pm.put("http", p.http());
            pm.put("args", p.args());
            pm.put("log", p.log());
            pm.put("startedBy", p.startedBy());
            list.add(pm);
        }
        m.put("processes", list);
        return m;
    }

    /**
     * Reads {@code DIR/cluster.json}.
     *
     * @throws IOException when it is missing, unreadable, of another format or lacks a field
     */
    public static ClusterFile read(Path dir) throws IOException {
        Path file = path(dir);
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        int format = field(root, "format", file).asInt();
        if (format != FORMAT) throw new IOException(file + " has format " + format + "; this build reads format " + FORMAT);
        List<Member> processes = new ArrayList<>();
        for (JsonNode p : field(root, "processes", file)) {
            List<String> args = new ArrayList<>();
            for (JsonNode a : field(p, "args", file)) args.add(a.asText());
            processes.add(new Member(field(p, "name", file).asText(), field(p, "role", file).asText(),
                    field(p, "pid", file).asLong(), text(p.get("client")), field(p, "peer", file).asText(),
                    field(p, "http", file).asText(), args, field(p, "log", file).asText(), field(p, "startedBy", file).asText()));
        }
        return new ClusterFile(format, field(root, "mode", file).asText(), field(root, "nodes", file).asInt(),
                field(root, "basePort", file).asInt(), field(root, "tickMs", file).asInt(), field(root, "data", file).asText(),
                field(root, "clusterPid", file).asLong(), processes);
    }

    private static JsonNode field(JsonNode node, String name, Path file) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) throw new IOException(file + ": field '" + name + "' is missing");
        return v;
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? null : v.asText();
    }
}
