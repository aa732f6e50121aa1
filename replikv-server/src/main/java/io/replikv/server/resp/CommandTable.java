package io.replikv.server.resp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commands this server knows, with what COMMAND, COMMAND INFO and COMMAND DOCS report
 * (enough for redis-cli's hints and for client libraries that read arity and key positions).
 */
public final class CommandTable {
    private CommandTable() {}

    /**
     * One command. {@code arity} follows Redis: positive = exactly that many words (name
     * included), negative = at least that many. {@code args} are "name:type[?][*]" hints.
     */
    public record Spec(String name, int arity, List<String> flags, int firstKey, int lastKey, int step,
                       String group, String summary, List<String> args) {}

    private static final Map<String, Spec> SPECS = new TreeMap<>();

    private static void add(String name, int arity, String flags, int first, int last, int step, String group,
                            String summary, String... args) {
        SPECS.put(name, new Spec(name, arity, List.of(flags.isEmpty() ? new String[0] : flags.split(" ")),
                first, last, step, group, summary, List.of(args)));
    }

    static {
        add("get", 2, "readonly fast", 1, 1, 1, "string", "Returns the value of a key.", "key:key");
        add("set", 3, "write denyoom", 1, 1, 1, "string", "Sets the value of a key (no options).", "key:key", "value:string");
        add("append", 3, "write denyoom fast", 1, 1, 1, "string", "Appends to the value of a key; returns the new length.",
                "key:key", "value:string");
        add("puthash", 3, "write denyoom fast", 1, 1, 1, "string",
                "Sets a key to the FNV-1a-32 hash of old value + value; returns the old value.", "key:key", "value:string");
        add("del", -2, "write", 1, -1, 1, "generic", "Deletes keys; returns how many existed.", "key:key*");
        add("exists", -2, "readonly fast", 1, -1, 1, "generic", "Counts how many of the keys exist.", "key:key*");
        add("ping", -1, "fast", 0, 0, 0, "connection", "Returns PONG, or the message.", "message:string?");
        add("echo", 2, "fast", 0, 0, 0, "connection", "Returns the message.", "message:string");
        add("hello", -1, "fast", 0, 0, 0, "connection", "Chooses the protocol version (2 or 3) and names the connection.",
                "protover:integer?");
        add("info", -1, "", 0, 0, 0, "server", "Server, clients, replication and keyspace information.", "section:string?*");
        add("command", -1, "", 0, 0, 0, "server", "Describes the commands of this server.");
        add("select", 2, "fast", 0, 0, 0, "connection", "Selects database 0 (the only one).", "index:integer");
        add("quit", -1, "fast", 0, 0, 0, "connection", "Closes the connection.");
        add("client", -2, "", 0, 0, 0, "connection", "CLIENT SETNAME, GETNAME, ID, SETINFO.", "subcommand:string");
        add("config", -2, "", 0, 0, 0, "server", "CONFIG GET save, appendonly, databases (read-only answers for tools).",
                "subcommand:string");
        add("replikv.topology", 1, "fast", 0, 0, 0, "server",
                "The mode, epoch, leader, this server and every member with its client address and role.");
        add("replikv.req", -5, "write", 0, 0, 0, "string",
                "A tagged request (client id, sequence number) for at-most-once: GET, SET, APPEND, PUTHASH, DEL.",
                "clientid:integer", "seq:integer", "verb:string", "arg:string*");
    }

    public static Spec find(String lowerCaseName) {
        return SPECS.get(lowerCaseName);
    }

    public static int count() {
        return SPECS.size();
    }

    public static List<Spec> all() {
        return List.copyOf(SPECS.values());
    }

    /** COMMAND / COMMAND INFO entry, in the Redis 7 shape (10 fields). */
    static RespValue info(Spec s) {
        List<RespValue> flags = new ArrayList<>();
        for (String f : s.flags()) flags.add(new RespValue.Simple(f));
        return new RespValue.Array(List.of(RespValue.bulk(s.name()), new RespValue.Int(s.arity()),
                new RespValue.Array(flags), new RespValue.Int(s.firstKey()), new RespValue.Int(s.lastKey()),
                new RespValue.Int(s.step()), new RespValue.Array(List.of()), new RespValue.Array(List.of()),
                new RespValue.Array(List.of()), new RespValue.Array(List.of())));
    }

    /** COMMAND DOCS entry: summary, since, group (mandatory) and argument hints. */
    static RespValue docs(Spec s) {
        List<RespValue> args = new ArrayList<>();
        for (String a : s.args()) {
            boolean multiple = a.endsWith("*");
            String plain = multiple ? a.substring(0, a.length() - 1) : a;
            boolean optional = plain.endsWith("?");
            if (optional) plain = plain.substring(0, plain.length() - 1);
            String[] nameType = plain.split(":");
            List<RespValue> argDoc = new ArrayList<>(List.of(RespValue.bulk("name"), RespValue.bulk(nameType[0]),
                    RespValue.bulk("type"), RespValue.bulk(nameType[1])));
            List<RespValue> argFlags = new ArrayList<>();
            if (optional) argFlags.add(new RespValue.Simple("optional"));
            if (multiple) argFlags.add(new RespValue.Simple("multiple"));
            if (!argFlags.isEmpty()) {
                argDoc.add(RespValue.bulk("flags"));
                argDoc.add(new RespValue.Array(argFlags));
            }
            args.add(new RespValue.MapValue(argDoc));
        }
        return new RespValue.MapValue(List.of(RespValue.bulk("summary"), RespValue.bulk(s.summary()),
                RespValue.bulk("since"), RespValue.bulk("0.1.0"), RespValue.bulk("group"), RespValue.bulk(s.group()),
                RespValue.bulk("arguments"), new RespValue.Array(args)));
    }

    static String lower(byte[] name) {
        return new String(name, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }
}
