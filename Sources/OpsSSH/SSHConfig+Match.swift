import Foundation

extension SSHConfig {
    /// Who is connecting where, as far as it is known before the config is read: what `Match`
    /// criteria are tested against.
    public struct Target: Sendable, Equatable {
        /// The name as given (inventory name or address): `Host` lines and `Match originalhost`.
        public var host: String
        /// A HostName fixed outside the config (the inventory's `ansible_host`), which then wins.
        public var hostName: String?
        /// A user fixed outside the config (`ansible_user`, `-u`), which then wins.
        public var user: String?
        /// The user when neither the config nor `user` names one.
        public var defaultUser: String
        public var localUser: String

        public init(
            host: String, hostName: String? = nil, user: String? = nil, defaultUser: String = "root",
            localUser: String = Tokens.localUserName
        ) {
            self.host = host
            self.hostName = hostName
            self.user = user
            self.defaultUser = defaultUser
            self.localUser = localUser
        }
    }

    /// The options that apply to `host` (the name as given, before HostName), first value winning.
    public func options(for host: String) -> HostOptions {
        options(for: Target(host: host))
    }

    /// The options that apply to `target`, read top to bottom as OpenSSH does: a `Match host` or
    /// `Match user` sees the HostName and User obtained by the lines above it. Blocks using a
    /// criterion opsctl does not evaluate (`exec` is never run) do not apply, and `notes` says so.
    public func options(for target: Target) -> HostOptions {
        var result = HostOptions()
        var seen: Set<String> = []
        var active: [Bool] = []
        for block in blocks {
            var applies = block.parent.map { active[$0] } ?? true
            switch block.condition {
            case .always: break
            case .continuation(let index): applies = active[index]
            case .host(let patterns): applies = applies && Self.matches(host: target.host, patterns: patterns)
            case .match(let criteria):
                applies = applies && matches(criteria, block: block, target: target, sofar: &result)
            }
            active.append(applies)
            guard applies else { continue }
            for option in block.options {
                if option.key == "identityfile" {
                    result.identityFiles.append(option.value)
                    continue
                }
                guard !seen.contains(option.key) else { continue }
                seen.insert(option.key)
                switch option.key {
                case "hostname": result.hostName = option.value
                case "user": result.user = option.value
                case "port": result.port = Int(option.value)
                case "proxyjump":
                    result.proxyJump =
                        option.value.lowercased() == "none"
                        ? [] : option.value.split(separator: ",").map { String($0) }
                default: break
                }
            }
        }
        return result
    }

    private func matches(
        _ criteria: [MatchCriterion], block: Block, target: Target, sofar: inout HostOptions
    ) -> Bool {
        // As OpenSSH: the host after HostName (only %h and %% expand there), the user obtained so far.
        let hostName =
            target.hostName
            ?? sofar.hostName.map { Tokens(remoteHost: target.host, originalHost: target.host).expand($0) }
            ?? target.host
        let user = target.user ?? sofar.user ?? target.defaultUser
        for criterion in criteria {
            let holds: Bool
            switch criterion.keyword {
            case "all": holds = true
            case "host": holds = Self.matches(host: hostName, patterns: [criterion.argument ?? ""])
            case "originalhost": holds = Self.matches(host: target.host, patterns: [criterion.argument ?? ""])
            // User names are compared case-sensitively, as OpenSSH does.
            case "user": holds = Self.matches(user, patternList: criterion.argument ?? "", caseSensitive: true)
            case "localuser":
                holds = Self.matches(target.localUser, patternList: criterion.argument ?? "", caseSensitive: true)
            default:
                sofar.notes.append(
                    "\(block.file):\(block.line): `Match \(criterion.keyword)` is not supported by opsctl "
                        + "(no command is run): the block does not apply")
                return false
            }
            if holds == criterion.negated { return false }
        }
        return true
    }

    /// OpenSSH's rule: some positive pattern matches and no negated one does. Case-insensitive.
    public static func matches(host: String, patterns: [String]) -> Bool {
        matches(host, patternList: patterns.joined(separator: ","), caseSensitive: false)
    }

    static func matches(_ value: String, patternList: String, caseSensitive: Bool) -> Bool {
        let text = caseSensitive ? value : value.lowercased()
        var positive = false
        for raw in patternList.split(separator: ",").map(String.init) {
            let pattern = caseSensitive ? raw : raw.lowercased()
            if pattern.hasPrefix("!") {
                if wildcardMatches(Array(pattern.dropFirst()), Array(text)) { return false }
            } else if wildcardMatches(Array(pattern), Array(text)) {
                positive = true
            }
        }
        return positive
    }

    static func wildcardMatches(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
