package io.replikv.server.resp;

import io.replikv.core.NodeStatus;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;
import io.replikv.server.resp.ReplyMapping.Verb;
import io.replikv.server.runtime.AddressBook;
import io.replikv.server.runtime.Topology;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The command set of docs/protocol.md: turns one parsed request into an {@link Action}. Pure
 * apart from the session it may change (HELLO, CLIENT SETNAME) and the counters it reads, so it is
 * tested without sockets. Everything that reaches the state machine is validated against the
 * key and value limits here first: an oversized request is a definite {@code -ERR}, never applied.
 */
public final class Commands {
    public static final String VERSION = "0.1.0";

    private final AddressBook addresses;
    private final IntSupplier connectedClients;
    private final long startedAtMillis = System.currentTimeMillis();

    public Commands(AddressBook addresses, IntSupplier connectedClients) {
        this.addresses = addresses;
        this.connectedClients = connectedClients;
    }

    /** The metric label of a request: its command name when known, else "unknown". */
    public static String metricName(List<byte[]> args) {
        String name = CommandTable.lower(args.get(0));
        return CommandTable.find(name) != null ? name : "unknown";
    }

    public Action handle(List<byte[]> args, ClientSession session) {
        String name = CommandTable.lower(args.get(0));
        CommandTable.Spec spec = CommandTable.find(name);
        if (spec == null) return Action.answer(unknownCommand(args));
        int n = args.size();
        if (spec.arity() > 0 ? n != spec.arity() : n < -spec.arity()) return Action.answer(wrongArity(name));
        return switch (name) {
            case "get" -> single(Verb.GET, new Command.Get(bytes(args, 1)));
            case "set" -> single(Verb.SET, new Command.Put(bytes(args, 1), bytes(args, 2)));
            case "append" -> single(Verb.APPEND, new Command.Append(bytes(args, 1), bytes(args, 2)));
            case "puthash" -> single(Verb.PUTHASH, new Command.PutHash(bytes(args, 1), bytes(args, 2)));
            case "del" -> perKey(args, true);
            case "exists" -> perKey(args, false);
            case "ping" -> Action.answer(n == 1 ? new RespValue.Simple("PONG") : new RespValue.Bulk(args.get(1)));
            case "echo" -> Action.answer(new RespValue.Bulk(args.get(1)));
            case "hello" -> hello(args, session);
            case "info" -> new Action.WithStatus(status -> RespValue.bulk(info(status, sections(args))));
            case "command" -> Action.answer(command(args));
            case "select" -> Action.answer(select(args.get(1)));
            case "quit" -> new Action.Answer(RespValue.OK, true);
            case "client" -> Action.answer(client(args, session));
            case "config" -> Action.answer(config(args));
            case "replikv.topology" -> new Action.WithStatus(this::topology);
            case "replikv.req" -> tagged(args);
            default -> Action.answer(unknownCommand(args));
        };
    }

    private static Action single(Verb verb, Command command) {
        return submit(verb, Request.untagged(command));
    }

    private static Action submit(Verb verb, Request request) {
        String invalid = KvStateMachine.validate(request.command());
        if (invalid != null) return Action.answer(new RespValue.Error("ERR " + invalid));
        return new Action.Submit(List.of(request), replies -> ReplyMapping.map(verb, replies.get(0)));
    }

    /** DEL and EXISTS of several keys: one request per key (not atomic, as in Redis Cluster). */
    private static Action perKey(List<byte[]> args, boolean delete) {
        List<Request> requests = new ArrayList<>(args.size() - 1);
        for (int i = 1; i < args.size(); i++) {
            Bytes key = bytes(args, i);
            Command c = delete ? new Command.Delete(key) : new Command.Get(key);
            String invalid = KvStateMachine.validate(c);
            if (invalid != null) return Action.answer(new RespValue.Error("ERR " + invalid));
            requests.add(Request.untagged(c));
        }
        return new Action.Submit(requests, delete ? ReplyMapping::combineDelete : ReplyMapping::combineExists);
    }

    /** REPLIKV.REQ clientId seq verb args...: the at-most-once form of GET, SET, APPEND, PUTHASH, DEL. */
    private static Action tagged(List<byte[]> args) {
        long clientId = parsePositive(args.get(1));
        if (clientId <= 0) return Action.answer(new RespValue.Error("ERR clientId must be a positive 64-bit decimal"));
        long seq = parsePositive(args.get(2));
        if (seq <= 0) return Action.answer(new RespValue.Error("ERR seq must be a positive 64-bit decimal"));
        String verb = CommandTable.lower(args.get(3));
        int operands = args.size() - 4;
        Command command;
        Verb mapping;
        switch (verb) {
            case "get", "del" -> {
                if (operands != 1) return Action.answer(wrongArity("replikv.req"));
                Bytes key = bytes(args, 4);
                command = verb.equals("get") ? new Command.Get(key) : new Command.Delete(key);
                mapping = verb.equals("get") ? Verb.GET : Verb.DEL;
            }
            case "set", "append", "puthash" -> {
                if (operands != 2) {
                    return Action.answer(operands > 2 && verb.equals("set")
                            ? new RespValue.Error("ERR syntax error: SET takes no options in replikv")
                            : wrongArity("replikv.req"));
                }
                Bytes key = bytes(args, 4);
                Bytes value = bytes(args, 5);
                command = switch (verb) {
                    case "set" -> new Command.Put(key, value);
                    case "append" -> new Command.Append(key, value);
                    default -> new Command.PutHash(key, value);
                };
                mapping = Verb.valueOf(verb.toUpperCase(Locale.ROOT));
            }
            default -> {
                return Action.answer(new RespValue.Error(
                        "ERR REPLIKV.REQ verb must be one of GET, SET, APPEND, PUTHASH, DEL"));
            }
        }
        return submit(mapping, new Request(clientId, seq, command));
    }

    private static Action hello(List<byte[]> args, ClientSession session) {
        int i = 1;
        if (args.size() > 1) {
            long version = parsePositive(args.get(1));
            if (version < 0) {
                return Action.answer(new RespValue.Error("ERR Protocol version is not an integer or out of range"));
            }
            if (version != 2 && version != 3) {
                return Action.answer(new RespValue.Error("NOPROTO unsupported protocol version"));
            }
            i = 2;
            String name = null;
            for (; i < args.size(); i++) {
                String option = CommandTable.lower(args.get(i));
                if (option.equals("setname") && i + 1 < args.size()) {
                    name = new String(args.get(++i), StandardCharsets.UTF_8);
                    RespValue bad = checkClientName(name);
                    if (bad != null) return Action.answer(bad);
                } else if (option.equals("auth")) {
                    return Action.answer(new RespValue.Error("ERR AUTH is not supported: replikv has no users"));
                } else {
                    return Action.answer(new RespValue.Error("ERR syntax error in HELLO option '" + option + "'"));
                }
            }
            session.setProtocol((int) version);
            if (name != null) session.setName(name);
        }
        return Action.answer(new RespValue.MapValue(List.of(
                RespValue.bulk("server"), RespValue.bulk("replikv"),
                RespValue.bulk("version"), RespValue.bulk(VERSION),
                RespValue.bulk("proto"), new RespValue.Int(session.protocol()),
                RespValue.bulk("id"), new RespValue.Int(session.id()),
                RespValue.bulk("mode"), RespValue.bulk("standalone"),
                RespValue.bulk("role"), RespValue.bulk("master"),
                RespValue.bulk("modules"), new RespValue.Array(List.of()))));
    }

    private static RespValue client(List<byte[]> args, ClientSession session) {
        String sub = CommandTable.lower(args.get(1));
        int n = args.size();
        return switch (sub) {
            case "setname" -> {
                if (n != 3) yield wrongArity("client|setname");
                String name = new String(args.get(2), StandardCharsets.UTF_8);
                RespValue bad = checkClientName(name);
                if (bad != null) yield bad;
                session.setName(name.isEmpty() ? null : name);
                yield RespValue.OK;
            }
            case "getname" -> n != 2 ? wrongArity("client|getname")
                    : session.name() == null ? RespValue.NULL : RespValue.bulk(session.name());
            case "id" -> n != 2 ? wrongArity("client|id") : new RespValue.Int(session.id());
            case "setinfo" -> n != 4 ? wrongArity("client|setinfo") : RespValue.OK;
            default -> new RespValue.Error("ERR unknown subcommand '" + shown(args.get(1)) + "'. Try CLIENT SETNAME, GETNAME, ID.");
        };
    }

    private static RespValue checkClientName(String name) {
        if (name.length() > RespLimits.CLIENT_NAME_BYTES_MAX) {
            return new RespValue.Error("ERR client name longer than " + RespLimits.CLIENT_NAME_BYTES_MAX + " bytes");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~') {
                return new RespValue.Error("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
        return null;
    }

    private static RespValue select(byte[] index) {
        long db = parseSigned(index);
        if (db == Long.MIN_VALUE) return new RespValue.Error("ERR value is not an integer or out of range");
        return db == 0 ? RespValue.OK : new RespValue.Error("ERR DB index is out of range (replikv has only db 0)");
    }

    private static RespValue config(List<byte[]> args) {
        // redis-benchmark asks CONFIG GET save / appendonly; nothing is configurable at runtime.
        if (CommandTable.lower(args.get(1)).equals("get")) {
            List<RespValue> found = new ArrayList<>();
            for (int i = 2; i < args.size(); i++) {
                String parameter = CommandTable.lower(args.get(i));
                String value = switch (parameter) {
                    case "save" -> "";
                    case "appendonly" -> "no";
                    case "databases" -> "1";
                    default -> null;
                };
                if (value != null) {
                    found.add(RespValue.bulk(parameter));
                    found.add(RespValue.bulk(value));
                }
            }
            return new RespValue.MapValue(found);
        }
        return new RespValue.Error("ERR CONFIG " + shown(args.get(1)) + " is not supported (only CONFIG GET)");
    }

    private static RespValue command(List<byte[]> args) {
        if (args.size() == 1) return new RespValue.Array(CommandTable.all().stream().map(CommandTable::info).toList());
        String sub = CommandTable.lower(args.get(1));
        List<CommandTable.Spec> named = new ArrayList<>();
        for (int i = 2; i < args.size(); i++) {
            CommandTable.Spec s = CommandTable.find(CommandTable.lower(args.get(i)));
            if (s != null) named.add(s);
        }
        List<CommandTable.Spec> chosen = args.size() > 2 ? named : CommandTable.all();
        return switch (sub) {
            case "count" -> new RespValue.Int(CommandTable.count());
            case "list" -> new RespValue.Array(CommandTable.all().stream().map(s -> (RespValue) RespValue.bulk(s.name())).toList());
            case "info" -> new RespValue.Array(chosen.stream().map(CommandTable::info).toList());
            case "docs" -> {
                List<RespValue> kv = new ArrayList<>();
                for (CommandTable.Spec s : chosen) {
                    kv.add(RespValue.bulk(s.name()));
                    kv.add(CommandTable.docs(s));
                }
                yield new RespValue.MapValue(kv);
            }
            default -> new RespValue.Error("ERR unknown subcommand '" + shown(args.get(1)) + "'. Try COMMAND COUNT, LIST, INFO, DOCS.");
        };
    }

    /** REPLIKV.TOPOLOGY: alternating field names and values (a map in RESP3). */
    RespValue topology(NodeStatus status) {
        List<RespValue> members = new ArrayList<>();
        for (Topology.Member m : Topology.members(status, addresses)) {
            members.add(new RespValue.Array(List.of(RespValue.bulk(m.name().name()),
                    m.clientAddress() == null ? RespValue.NULL : RespValue.bulk(m.clientAddress()),
                    RespValue.bulk(m.role()))));
        }
        return new RespValue.MapValue(List.of(
                RespValue.bulk("mode"), RespValue.bulk(status.mode()),
                RespValue.bulk("epoch"), new RespValue.Int(status.epoch()),
                RespValue.bulk("leader"), status.leader() == null ? RespValue.NULL : RespValue.bulk(status.leader().name()),
                RespValue.bulk("self"), RespValue.bulk(status.id().name()),
                RespValue.bulk("members"), new RespValue.Array(members)));
    }

    private static List<String> sections(List<byte[]> args) {
        List<String> sections = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) sections.add(CommandTable.lower(args.get(i)));
        return sections;
    }

    /** INFO: Redis-style "field:value" lines in "# Section" blocks. */
    String info(NodeStatus status, List<String> wanted) {
        boolean all = wanted.isEmpty() || wanted.contains("all") || wanted.contains("default") || wanted.contains("everything");
        StringBuilder out = new StringBuilder();
        if (all || wanted.contains("server")) {
            section(out, "Server");
            line(out, "redis_version", "7.0.0");
            line(out, "replikv_version", VERSION);
            line(out, "redis_mode", "standalone");
            line(out, "process_id", Long.toString(ProcessHandle.current().pid()));
            line(out, "tcp_port", port(addresses.clientAddress()));
            line(out, "uptime_in_seconds", Long.toString((System.currentTimeMillis() - startedAtMillis) / 1000));
        }
        if (all || wanted.contains("clients")) {
            section(out, "Clients");
            line(out, "connected_clients", Integer.toString(connectedClients.getAsInt()));
        }
        if (all || wanted.contains("replication")) replication(out, status);
        if ((all || wanted.contains("keyspace")) && status.details().containsKey("keys")) {
            section(out, "Keyspace");
            line(out, "db0", "keys=" + status.details().get("keys") + ",expires=0,avg_ttl=0");
        }
        return out.toString();
    }

    private void replication(StringBuilder out, NodeStatus status) {
        section(out, "Replication");
        line(out, "mode", status.mode());
        line(out, "role", status.role());
        line(out, "epoch", Long.toString(status.epoch()));
        line(out, "leader", status.leader() == null ? "" : status.leader().name());
        List<Topology.Member> members = Topology.members(status, addresses);
        line(out, "members", String.join(",", members.stream().map(m -> m.name().name()).toList()));
        for (Topology.Member m : members) {
            line(out, "member_" + m.name().name(), "client=" + (m.clientAddress() == null ? "" : m.clientAddress())
                    + ",role=" + m.role());
        }
        line(out, "applied", Long.toString(status.applied()));
        status.details().forEach((k, v) -> line(out, "detail_" + k.replaceAll("[^A-Za-z0-9_.]", "_"), v));
    }

    private static void section(StringBuilder out, String name) {
        if (!out.isEmpty()) out.append("\r\n");
        out.append("# ").append(name).append("\r\n");
    }

    private static void line(StringBuilder out, String field, String value) {
        out.append(field).append(':').append(value.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
    }

    private static String port(String address) {
        if (address == null) return "0";
        int colon = address.lastIndexOf(':');
        return colon < 0 ? "0" : address.substring(colon + 1);
    }

    private static RespValue unknownCommand(List<byte[]> args) {
        StringBuilder text = new StringBuilder("ERR unknown command '").append(shown(args.get(0)))
                .append("', with args beginning with: ");
        for (int i = 1; i < args.size() && i <= 4; i++) text.append('\'').append(shown(args.get(i))).append("' ");
        return new RespValue.Error(text.toString());
    }

    private static RespValue wrongArity(String name) {
        return new RespValue.Error("ERR wrong number of arguments for '" + name + "' command");
    }

    /** An argument as shown inside an error: at most 64 characters, printable ASCII only. */
    private static String shown(byte[] arg) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < arg.length && i < 64; i++) {
            int b = arg[i] & 0xff;
            s.append(b >= 0x20 && b < 0x7f && b != '\'' ? (char) b : '?');
        }
        return s.toString();
    }

    private static Bytes bytes(List<byte[]> args, int index) {
        return Bytes.wrap(args.get(index));
    }

    /** A decimal of 1..19 digits without sign, or -1. */
    static long parsePositive(byte[] text) {
        if (text.length == 0 || text.length > 19) return -1;
        long n = 0;
        for (byte b : text) {
            if (b < '0' || b > '9') return -1;
            n = n * 10 + (b - '0');
            if (n < 0) return -1; // overflow past Long.MAX_VALUE
        }
        return n;
    }

    /** A decimal with an optional '-', or Long.MIN_VALUE when it is not one. */
    private static long parseSigned(byte[] text) {
        boolean negative = text.length > 0 && text[0] == '-';
        byte[] digits = negative ? java.util.Arrays.copyOfRange(text, 1, text.length) : text;
        long n = parsePositive(digits);
        if (n < 0) return Long.MIN_VALUE;
        return negative ? -n : n;
    }
}
