import Foundation
import Jinja
import OpsCore

/// `wait_for`: waits on the host for a port to open or close, a file to appear (optionally
/// holding a match for `search_regex`) or go away, or a port's connections to drain. The whole
/// wait is one shell script that loops on the host, so it costs one round trip however long
/// it takes, and ports are checked from the host's point of view, as in Ansible.
enum WaitForModule: Module {
    static let spec = ModuleSpec(
        name: "wait_for",
        args: [
            .init("host"), .init("port", .int), .init("path", .path), .init("search_regex"),
            .init("state", choices: ["absent", "drained", "present", "started", "stopped"]),
            .init("delay", .int), .init("timeout", .int), .init("connect_timeout", .int), .init("sleep", .int),
            .init("msg"), .init("exclude_hosts", .list), .init("active_connection_states", .list),
        ])

    /// /proc/net/tcp's state codes for Ansible's `active_connection_states` names.
    static let connectionStates = [
        "ESTABLISHED": "01", "SYN_SENT": "02", "SYN_RECV": "03", "FIN_WAIT1": "04", "FIN_WAIT2": "05",
        "TIME_WAIT": "06",
    ]

    /// What the host script needs, checked and converted.
    struct Wait {
        enum Target: Equatable { case port(Int), path(String), sleep, drained(Int?) }
        var target: Target
        var state: String
        var host: String
        var searchRegex: String?
        var delay: Int
        var timeout: Int
        var connectTimeout: Int
        var sleep: Int
        /// drained: little-endian hex addresses as /proc/net/tcp prints them; empty: any.
        var localAddresses: [String] = []
        var excludedAddresses: [String] = []
        var activeStates: [String] = []
    }

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let wait: Wait
        switch try parse(args) {
        case .success(let w): wait = w
        case .failure(let error):
            // Ansible reports these as module failures with elapsed 0, not as errors.
            return .failure(error.description, ["elapsed": .int(0)])
        }
        let start = Date()
        let limit = Double(wait.delay + wait.timeout + wait.connectTimeout + 30)
        let r = try context.run(script(wait), timeout: limit)
        let elapsed = Int(Date().timeIntervalSince(start))
        let (kv, matchedLine) = parseOutput(r.stdoutText)
        if let problem = kv["error"] {
            return .failure("wait_for on \(context.host): \(problem)", ["elapsed": .int(elapsed)])
        }
        guard r.exitStatus == 0, let ok = kv["ok"] else {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ModuleError("wait_for on \(context.host): the wait script failed (rc=\(r.exitStatus)): \(err)")
        }
        guard ok == "1" else {
            return .failure(args.string("msg") ?? timeoutMessage(wait), ["elapsed": .int(elapsed)])
        }
        var values = ValueDict()
        values["state"] = .string(wait.state)
        if case .port(let p) = wait.target {
            values["port"] = .int(p)
        } else if case .drained(let p?) = wait.target {
            values["port"] = .int(p)
        } else {
            values["port"] = Value.none
        }
        if case .path(let p) = wait.target { values["path"] = .string(p) } else { values["path"] = Value.none }
        values["search_regex"] = wait.searchRegex.map { Value.string($0) } ?? Value.none
        var groups: [Value] = []
        var named = ValueDict()
        if let re = wait.searchRegex, let line = matchedLine {
            (groups, named) = matchGroups(re, in: line)
        }
        values["match_groups"] = .list(groups)
        values["match_groupdict"] = .dict(named)
        values["elapsed"] = .int(elapsed)
        return ModuleResult(values: values)
    }

    /// Checks the arguments the way Ansible's wait_for does (same messages), plus ranges.
    static func parse(_ args: ModuleArguments) throws -> Result<Wait, ModuleError> {
        let port = try args.int("port")
        let path = args.string("path")
        let state = args.string("state", default: "started")
        let re = args.string("search_regex")
        func nonNegative(_ name: String, _ d: Int) throws -> Int {
            let v = try args.int(name) ?? d
            guard v >= 0 else { throw ModuleError("wait_for: \(name) must be zero or more seconds, got \(v)") }
            return v
        }
        if let port, !(1...65535).contains(port) {
            throw ModuleError("wait_for: port must be between 1 and 65535, got \(port)")
        }
        if let re, (try? pythonRegex(re)) == nil {
            return .failure(ModuleError("Invalid regular expression: \(re)"))
        }
        if port != nil && path != nil {
            return .failure(ModuleError("port and path parameter can not both be passed to wait_for"))
        }
        if path != nil && (state == "stopped" || state == "drained") {
            return .failure(
                ModuleError("state=\(state) should only be used for checking a port in the wait_for module"))
        }
        if state == "drained" && port == nil {
            throw ModuleError("wait_for: state=drained needs the port whose connections to wait for")
        }
        if args.has("exclude_hosts") && state != "drained" {
            return .failure(ModuleError("exclude_hosts should only be with state=drained"))
        }
        let stateNames =
            args.stringList("active_connection_states")
            ?? ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"]
        var codes: [String] = []
        for name in stateNames {
            guard let code = connectionStates[name] else {
                return .failure(ModuleError("unknown active_connection_state (\(name)) defined"))
            }
            codes.append(code)
        }
        let target: Wait.Target
        if state == "drained" {
            target = .drained(port)
        } else if let port {
            target = .port(port)
        } else if let path {
            target = .path(path)
        } else {
            target = .sleep
        }
        let host = args.string("host", default: "127.0.0.1")
        var wait = Wait(
            target: target, state: state, host: host, searchRegex: re, delay: try nonNegative("delay", 0),
            timeout: try nonNegative("timeout", 300), connectTimeout: max(1, try nonNegative("connect_timeout", 5)),
            sleep: try nonNegative("sleep", 1))
        wait.activeStates = codes
        wait.localAddresses = procAddresses(host)
        wait.excludedAddresses = (args.stringList("exclude_hosts") ?? []).flatMap(procAddresses)
        return .success(wait)
    }

    static func timeoutMessage(_ w: Wait) -> String {
        switch (w.target, w.state) {
        case (.port(let p), "stopped"), (.port(let p), "absent"):
            return "Timeout when waiting for \(w.host):\(p) to stop."
        case (.port(let p), _):
            if let re = w.searchRegex { return "Timeout when waiting for search string \(re) in \(w.host):\(p)" }
            return "Timeout when waiting for \(w.host):\(p)"
        case (.path(let p), "absent"): return "Timeout when waiting for \(p) to be absent."
        case (.path(let p), _):
            if let re = w.searchRegex { return "Timeout when waiting for search string \(re) in \(p)" }
            return "Timeout when waiting for file \(p)"
        case (.drained(let p), _): return "Timeout when waiting for \(w.host):\(p.map(String.init) ?? "None") to drain"
        case (.sleep, _): return "Timeout"
        }
    }

    /// Whether `host` is this machine, so a LISTEN entry in /proc/net/tcp answers for it.
    static func isLoopback(_ host: String) -> Bool {
        ["localhost", "::1", "0.0.0.0", "::"].contains(host) || host.hasPrefix("127.")
    }

    /// An address as /proc/net/tcp{,6} prints it (little-endian 32-bit words in hex), with the
    /// IPv4-mapped IPv6 form for IPv4; [] for names other than localhost (then: any address).
    static func procAddresses(_ host: String) -> [String] {
        if host == "localhost" { return procAddresses("127.0.0.1") + procAddresses("::1") }
        if host == "::1" { return ["00000000000000000000000001000000"] }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4, host.split(separator: ".").count == 4 else { return [] }
        if octets == [0, 0, 0, 0] { return [] }
        let word = String(format: "%02X%02X%02X%02X", octets[3], octets[2], octets[1], octets[0])
        return [word, "0000000000000000FFFF0000" + word]
    }

    /// The host script. It prints `ok=1` (then, after a `__match__` line, the line that matched
    /// `search_regex`), `ok=0` on timeout, or `error=…` when it cannot check at all.
    static func script(_ w: Wait) -> String {
        let q = RemoteScript.q
        var mode = "sleep"
        var port = 0
        var path = ""
        switch w.target {
        case .port(let p): (mode, port) = ("port", p)
        case .path(let p): (mode, path) = ("path", p)
        case .drained(let p): (mode, port) = ("drained", p ?? 0)
        case .sleep: break
        }
        let stopping = w.state == "stopped" || w.state == "absent"
        return """
            host=\(q(w.host)); port=\(port); path=\(q(path)); re=\(q(w.searchRegex ?? "")); mode=\(mode)
            tmo=\(w.timeout); ct=\(w.connectTimeout); sl=\(w.sleep); delay=\(w.delay); stopping=\(stopping ? 1 : 0)
            local=\(isLoopback(w.host) ? 1 : 0); ips=\(q(" " + w.localAddresses.joined(separator: " ") + " "))
            excl=\(q(" " + w.excludedAddresses.joined(separator: " ") + " "))
            states=\(q(" " + w.activeStates.joined(separator: " ") + " "))
            # `path` is Ansible type path: ~ is the remote user's home.
            case $path in "~") path=$HOME ;; "~/"*) path="$HOME/${path#"~/"}" ;; esac
            # Centiseconds since boot: a clock that neither jumps nor needs %N (busybox date has none).
            now() {
                if [ -r /proc/uptime ]; then
                    read -r u _ < /proc/uptime; t=${u%.*}${u#*.}; t=${t#"${t%%[!0]*}"}; echo "${t:-0}"
                else echo $(( $(date +%s) * 100 )); fi
            }
            have() { command -v "$1" >/dev/null 2>&1; }
            start=$(now); end=$((start + tmo * 100))
            [ "$delay" -gt 0 ] && sleep "$delay"
            # Seconds left before the deadline, at least 1.
            left() { l=$(( (end - $(now) + 99) / 100 )); [ "$l" -lt 1 ] && l=1; echo "$l"; }
            limited() { s=$1; shift; if have timeout; then timeout "$s" "$@"; else "$@"; fi; }
            if echo x | grep -P x >/dev/null 2>&1; then gflag=-P; else gflag=-E; fi
            # Which tool can open a TCP connection: bash's /dev/tcp, nc, python3, else (this host
            # only) a LISTEN entry in /proc/net/tcp{,6}.
            if have bash; then tool=bash; elif have nc; then tool=nc
            elif have python3; then tool=python3; else tool=proc; fi
            if [ "$mode" = port ] && [ "$tool" = proc ] && [ "$local" = 0 ]; then
                echo "error=checking $host:$port needs bash, nc or python3 on the host"; exit 0; fi
            if [ "$mode" = port ] && [ -n "$re" ] && [ "$tool" != bash ]; then
                echo "error=search_regex on a port needs bash on the host"; exit 0; fi
            tables() { for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] && echo "$f"; done; }
            listening() {
                awk -v p=":$(printf '%04X' "$port")" '
                    $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' $(tables)
            }
            active() {
                awk -v p="$(printf '%04X' "$port")" -v ips="$ips" -v ex="$excl" -v st="$states" '
                    FNR > 1 { split($2, a, ":"); split($3, b, ":")
                        if (a[2] != p || index(st, " " $4 " ") == 0) next
                        if (ips != "  " && index(ips, " " a[1] " ") == 0) next
                        if (index(ex, " " b[1] " ") > 0) next
                        n++ }
                    END { print n + 0 }' $(tables)
            }
            connects() {
                c=$(left); [ "$c" -gt "$ct" ] && c=$ct
                case $tool in
                bash) limited "$c" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null ;;
                nc) nc -z -w "$c" "$host" "$port" </dev/null >/dev/null 2>&1 ;;
                python3) python3 -c 'import socket, sys
            socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()' \\
                    "$host" "$port" "$c" 2>/dev/null ;;
                *) listening ;;
                esac
            }
            # Reads lines from the port until one matches or the deadline passes; prints it.
            banner() {
                c=$(left)
                limited "$c" bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
                    while :; do l=""; IFS= read -r -t "$2" l <&3; rc=$?
                        if [ -n "$l" ] && printf "%s\\n" "$l" | grep -a "$4" -q -e "$3"; then
                            printf "%s\\n" "$l"; exit 0; fi
                        [ "$rc" -eq 0 ] || exit 1
                    done' "$host" "$port" "$c" "$re" "$gflag" 2>/dev/null
            }
            check() {
                case $mode in
                port)
                    if [ "$stopping" = 1 ]; then ! connects
                    elif [ -n "$re" ]; then matched=$(banner)
                    else connects; fi ;;
                path)
                    if [ "$stopping" = 1 ]; then [ ! -e "$path" ]
                    elif [ -n "$re" ]; then
                        [ -r "$path" ] && matched=$(grep -a "$gflag" -m 1 -e "$re" "$path" 2>/dev/null)
                    else [ -e "$path" ]; fi ;;
                drained) [ "$(active)" -eq 0 ] ;;
                esac
            }
            if [ "$mode" = sleep ]; then sleep "$tmo"; echo ok=1; exit 0; fi
            matched=""
            while [ "$(now)" -lt "$end" ]; do
                if check; then
                    echo ok=1
                    if [ -n "$matched" ]; then echo __match__; printf '%s\\n' "$matched"; fi
                    exit 0
                fi
                sleep "$sl"
            done
            echo ok=0

            """
    }

    /// `key=value` lines, then the matched line after `__match__`.
    static func parseOutput(_ text: String) -> ([String: String], String?) {
        guard let marker = text.range(of: "__match__\n") else { return (RemoteScript.keyValues(text), nil) }
        let line = String(text[marker.upperBound...]).trimmingCharacters(in: .newlines)
        return (RemoteScript.keyValues(String(text[..<marker.lowerBound])), line)
    }

    /// A Python `re` pattern as ICU reads it: `(?P<name>` and `(?P=name)` spelt the ICU way,
    /// `^`/`$` per line (Ansible compiles with re.MULTILINE).
    static func pythonRegex(_ pattern: String) throws -> NSRegularExpression {
        let converted = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
            .replacingOccurrences(
                of: #"\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        return try NSRegularExpression(pattern: converted, options: [.anchorsMatchLines])
    }

    /// Ansible's match_groups (positional groups, None when a group took no part) and
    /// match_groupdict (named groups).
    static func matchGroups(_ pattern: String, in line: String) -> ([Value], ValueDict) {
        guard let re = try? pythonRegex(pattern) else { return ([], ValueDict()) }
        let ns = line as NSString
        guard let m = re.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) else {
            return ([], ValueDict())
        }
        func text(_ r: NSRange) -> Value { r.location == NSNotFound ? Value.none : .string(ns.substring(with: r)) }
        let groups = (1..<max(1, m.numberOfRanges)).map { text(m.range(at: $0)) }
        var named = ValueDict()
        let namePattern = try? NSRegularExpression(pattern: #"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>"#)
        let ps = pattern as NSString
        for nm in namePattern?.matches(in: pattern, range: NSRange(location: 0, length: ps.length)) ?? [] {
            let name = ps.substring(with: nm.range(at: 1))
            named[name] = text(m.range(withName: name))
        }
        return (groups, named)
    }
}
