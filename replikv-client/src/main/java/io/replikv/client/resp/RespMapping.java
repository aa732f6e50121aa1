package io.replikv.client.resp;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's half of RESP-EXTENSIONS.md: a core {@link Request} becomes a RESP command (tagged
 * writes as {@code REPLIKV.REQ clientId seq VERB args}, reads as plain {@code GET}), and the RESP
 * reply becomes the core {@link Reply} the client core expects. Anything the contract does not
 * name is read as {@link Reply.Uncertain}: when in doubt, indefinite.
 */
public final class RespMapping {
    public static final String TAGGED_COMMAND = "REPLIKV.REQ";
    public static final String TOPOLOGY_COMMAND = "REPLIKV.TOPOLOGY";
    /** The reason word of {@code -ERR REFUSED}: the state machine refused the command (Result.Refused). */
    public static final String REFUSED = "REFUSED";
    /** The token that carries a leader hint at the end of a WRONG_SERVER error. */
    public static final String LEADER_HINT_PREFIX = "leader=";

    private RespMapping() {}

    /** The RESP verb of a command. */
    public static String verb(Command command) {
        return switch (command) {
            case Command.Get g -> "GET";
            case Command.Put p -> "SET";
            case Command.Append a -> "APPEND";
            case Command.PutHash h -> "PUTHASH";
            case Command.Delete d -> "DEL";
        };
    }

    /** The command's parts after the verb: the key, and the value for writes that carry one. */
    public static List<Bytes> arguments(Command command) {
        return switch (command) {
            case Command.Get g -> List.of(g.key());
            case Command.Put p -> List.of(p.key(), p.value());
            case Command.Append a -> List.of(a.key(), a.value());
            case Command.PutHash h -> List.of(h.key(), h.value());
            case Command.Delete d -> List.of(d.key());
        };
    }

    /** The RESP command for a request: tagged requests through REPLIKV.REQ, untagged ones plain. */
    public static List<Bytes> toCommand(Request request) {
        List<Bytes> parts = new ArrayList<>(6);
        if (request.tagged()) {
            parts.add(Bytes.of(TAGGED_COMMAND));
            parts.add(Bytes.of(Long.toString(request.clientId())));
            parts.add(Bytes.of(Long.toString(request.seq())));
        }
        parts.add(Bytes.of(verb(request.command())));
        parts.addAll(arguments(request.command()));
        return parts;
    }

    /** How a server answered {@code command}, as the core's Reply. */
    public static Reply toReply(Command command, RespValue value) {
        if (value instanceof RespValue.ErrorReply error) return fromError(error.message());
        Result result = switch (command) {
            case Command.Get g -> switch (value) {
                case RespValue.Bulk b -> new Result.Value(b.value());
                case RespValue.Nil n -> Result.MISSING;
                default -> null;
            };
            case Command.Put p -> value instanceof RespValue.SimpleString s && s.text().equals("OK") ? Result.WRITTEN : null;
            case Command.Append a -> value instanceof RespValue.IntegerReply i && i.value() >= 0 ? new Result.Length(i.value()) : null;
            case Command.PutHash h -> value instanceof RespValue.Bulk b ? new Result.Value(b.value()) : null;
            case Command.Delete d -> value instanceof RespValue.IntegerReply i && i.value() >= 0 ? new Result.Count(i.value()) : null;
        };
        // a well-framed reply of the wrong shape: the server is not following the contract, so
        // nothing can be concluded about whether the command was applied
        return result != null ? new Reply.Applied(result)
                : new Reply.Uncertain("unexpected reply to " + verb(command) + ": " + value);
    }

    /** An error reply's message (without the dash) as the core's Reply. */
    public static Reply fromError(String message) {
        String[] words = message.split(" ", 3);
        String code = words[0];
        String reason = words.length > 1 ? words[1] : "";
        String rest = words.length > 2 ? words[2] : "";
        return switch (code) {
            case "ERR" -> reason.equals(REFUSED)
                    ? new Reply.Applied(new Result.Refused(rest))
                    : new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, afterCode(message), null);
            case "TRYAGAIN" -> switch (reason) {
                case "WRONG_SERVER" -> new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, rest, leaderHint(rest));
                case "SESSION_EXPIRED" -> new Reply.Rejected(Reply.RejectCode.SESSION_EXPIRED, rest, null);
                case "BUSY" -> new Reply.Rejected(Reply.RejectCode.BUSY, rest, null);
                // a reason word we do not know: TRYAGAIN still promises "not applied, retry later"
                default -> new Reply.Rejected(Reply.RejectCode.BUSY, afterCode(message), null);
            };
            case "UNKNOWN" -> new Reply.Uncertain(afterCode(message));
            default -> new Reply.Uncertain("unrecognised error: " + message);
        };
    }

    private static String afterCode(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? "" : message.substring(space + 1);
    }

    /** The name in a trailing {@code leader=<name>} token, or null (also when it is not a valid name). */
    static NodeId leaderHint(String text) {
        int at = text.lastIndexOf(LEADER_HINT_PREFIX);
        if (at < 0 || (at > 0 && text.charAt(at - 1) != ' ')) return null;
        String name = text.substring(at + LEADER_HINT_PREFIX.length()).strip();
        if (name.isEmpty() || name.length() > NodeId.NAME_LENGTH_MAX || name.contains(" ")) return null;
        return NodeId.of(name);
    }
}
