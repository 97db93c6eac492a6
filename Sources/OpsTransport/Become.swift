import OpsCore
import Foundation

/// Privilege escalation with sudo, built as a command string (no I/O here):
/// `sudo -H -S -p <unique prompt> -u USER /bin/sh -c '<marker>; <command>'`, the password sent on
/// stdin only when the prompt appears (never in argv, never logged), or `sudo -H -n` without one.
/// The marker line tells "sudo let us in" apart from "the command failed", as Ansible does.
public struct Become: Sendable {
    public var user: String
    public var password: String?
    /// Makes the prompt and marker unguessable, so command output cannot fake them.
    public var token: String

    public init(user: String = "root", password: String? = nil, token: String? = nil) {
        self.user = user
        self.password = password
        self.token = token ?? UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    public var prompt: String { "[opsctl-sudo-\(token)] password: " }
    public var readyMarker: String { "OPSCTL-BECOME-\(token)" }

    /// The sudo command line that runs `command` as `user`.
    public func command(_ command: String) -> String {
        let inner = "echo \(readyMarker); \(command)"
        let user = ShellWords.quote(self.user)
        if password == nil {
            return "sudo -H -n -u \(user) /bin/sh -c \(ShellWords.quote(inner))"
        }
        return "sudo -H -S -p \(ShellWords.quote(prompt)) -u \(user) /bin/sh -c \(ShellWords.quote(inner))"
    }

    /// `request` run as `user`: the command wrapped, the password attached as the prompt's answer.
    public func wrap(_ request: ExecRequest) -> ExecRequest {
        var wrapped = request
        wrapped.command = command(request.command)
        let user = self.user
        wrapped.prompt = PromptAnswer(
            prompt: prompt, answer: password.map { Data(($0 + "\n").utf8) }, readyMarker: readyMarker,
            explainFailure: { Become.explain(stderr: $0, user: user) })
        return wrapped
    }

    /// Why sudo refused, in words that say what to fix.
    public static func explain(stderr: String, user: String) -> String {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("incorrect password") || text.contains("Sorry, try again") {
            return "sudo -u \(user) refused the password (incorrect password); check the become password"
        }
        if text.contains("a password is required") {
            return "sudo -u \(user) needs a password; set the become password (ansible_become_password)"
        }
        if text.contains("not in the sudoers file") || text.contains("is not allowed to") {
            return "the login user may not use sudo to run commands as \(user): \(text)"
        }
        if text.contains("sudo: not found") || text.contains("sudo: command not found") {
            return "sudo is not installed on the host"
        }
        return "sudo -u \(user) did not start the command: \(text.isEmpty ? "no error output" : text)"
    }
}
