import Foundation
import Jinja
import OpsCore

/// `lineinfile`: makes sure one line is in a file (or replaces the line a regexp finds), or that no
/// line matches. Follows Ansible's algorithm step by step, messages included (`line added`,
/// `line replaced`, `N line(s) removed`), because playbooks assert on them.
enum LineInFileModule: Module {
    static let spec = ModuleSpec(
        name: "lineinfile",
        args: [
            .init("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
            .init("state", choices: ["absent", "present"], default: "present"), .init("line", .raw, aliases: ["value"]),
            .init("regexp", aliases: ["regex"]), .init("search_string"), .init("insertafter"), .init("insertbefore"),
            .init("backrefs", .bool), .init("create", .bool), .init("backup", .bool), .init("firstmatch", .bool),
            .init("validate"), .init("mode", .mode), .init("owner"), .init("group"), .init("unsafe_writes", .bool),
            .init("others"), .init("seuser"), .init("serole"), .init("setype"), .init("selevel"),
            .init("attributes", aliases: ["attr"]),
        ],
        mutuallyExclusive: [
            ["insertbefore", "insertafter"], ["regexp", "search_string"], ["backrefs", "search_string"],
        ],
        requiredIf: [
            .init("state", "present", ["line"]), .init("backrefs", "true", ["regexp"]),
            .init("state", "absent", ["regexp", "search_string", "line"], anyOf: true),
        ])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try args.require("path")
        let state = args.string("state") ?? "present"
        let backrefs = try args.bool("backrefs", default: false)
        var params: [String: String] = ["OPS_STATE": state]
        if let line = args.string("line") { params["OPS_LINE"] = line }
        if let regexp = args.string("regexp") { params["OPS_REGEXP"] = regexp }
        if let search = args.string("search_string") { params["OPS_SEARCH"] = search }
        if state == "present" {
            guard args.has("line") else { throw ModuleError("lineinfile: line is required with state=present") }
            if backrefs && !args.has("regexp") {
                throw ModuleError("lineinfile: regexp is required with backrefs=true")
            }
            let after = args.string("insertafter"), before = args.string("insertbefore")
            if let after { params["OPS_AFTER"] = after }
            if let before { params["OPS_BEFORE"] = before }
            if after == nil && before == nil { params["OPS_AFTER"] = "EOF" }
            if backrefs { params["OPS_BACKREFS"] = "1" }
            if try args.bool("firstmatch", default: false) { params["OPS_FIRSTMATCH"] = "1" }
        } else if !args.has("line") && !args.has("regexp") && !args.has("search_string") {
            throw ModuleError("lineinfile: one of line, search_string, or regexp is required with state=absent")
        }
        let create = try state == "present" && args.bool("create", default: false)
        let outcome = try TextFileEditor.edit(
            .init(
                path: path, program: TextFileEditor.perlPrelude + program, parameters: params, create: create,
                missingFails: state == "present",
                missingMessage: state == "present" ? "Destination \(path) does not exist !" : "file not present",
                backup: try args.bool("backup", default: false), validate: args.string("validate"),
                mode: try args.mode(), owner: args.string("owner"), group: args.string("group")),
            module: "lineinfile", context)
        var result = outcome.result
        if result.failed { return result }
        let kv = outcome.keyValues
        let msg = kv["msg"] ?? ""
        result.msg = TextFileEditor.message(
            outcome.contentChanged ? msg : "", attributesChanged: outcome.attributesChanged)
        if msg == "file not present" { result.msg = msg }
        result.values["msg"] = .string(result.msg ?? "")
        result.values["backup"] = .string(kv["backup_file"] ?? "")
        if state == "absent", let found = kv["found"].flatMap({ Int($0) }) { result.values["found"] = .int(found) }
        return result
    }

    /// Ansible's `present()` and `absent()` (lineinfile.py), line for line.
    static let program = #"""
        my $state = $E{OPS_STATE}; my $line = $E{OPS_LINE};
        my $re = exists $E{OPS_REGEXP} ? rx('OPS_REGEXP', 'regexp') : undef;
        my $ss = $E{OPS_SEARCH};
        my ($changed, $msg) = (0, '');
        sub esc { my $c = shift; return "\n" if $c eq 'n'; return "\t" if $c eq 't'; return "\r" if $c eq 'r';
          return "\\" if $c eq "\\"; return "\\$c" }
        sub expand { my ($t, $g, $n) = @_;
          $t =~ s{\\(?:g<(\w+)>|(\d{1,2})|(.))}{ defined $1 ? ($1 =~ /^\d+$/ ? ($g->[$1] // '') : ($n->{$1} // ''))
            : defined $2 ? ($g->[$2] // '') : esc($3) }gse; $t }
        if ($state eq 'absent') {
          my $found = 0; my @keep;
          for my $c (@l) {
            my $hit = defined $re ? scalar($c =~ $re) : defined $ss ? index($c, $ss) >= 0 : strip($c) eq $line;
            if ($hit) { $found++ } else { push @keep, $c } }
          @l = @keep; $changed = $found > 0 ? 1 : 0; $msg = $changed ? "$found line(s) removed" : '';
          print $kv "changed=$changed\nmsg=$msg\nfound=$found\n";
        } else {
          my $after = $E{OPS_AFTER}; my $before = $E{OPS_BEFORE};
          my $ins;
          if (defined $after && $after ne 'BOF' && $after ne 'EOF') { $ins = rx('OPS_AFTER', 'insertafter') }
          elsif (defined $before && $before ne 'BOF') { $ins = rx('OPS_BEFORE', 'insertbefore') }
          my @idx = (-1, -1); my ($m, @g, %n);
          if (defined $re) {
            for my $i (0..$#l) { if ($l[$i] =~ $re) { $idx[0] = $i; $m = 1;
              @g = map { defined $-[$_] ? substr($l[$i], $-[$_], $+[$_] - $-[$_]) : '' } 0..$#+; %n = %+;
              last if $E{OPS_FIRSTMATCH} } }
          } elsif (defined $ss) {
            for my $i (0..$#l) { if (index($l[$i], $ss) >= 0) { $idx[0] = $i; $m = 1; last if $E{OPS_FIRSTMATCH} } }
          }
          if (!$m) {
            for my $i (0..$#l) {
              if (strip($l[$i]) eq $line) { $idx[0] = $i }
              elsif (defined $ins && $l[$i] =~ $ins) {
                if (length $after) { $idx[1] = $i + 1; last if $E{OPS_FIRSTMATCH} }
                if (length $before) { $idx[1] = $i; last if $E{OPS_FIRSTMATCH} }
              }
            }
          }
          my $add = sub { my $at = shift;
            if ($at == @l && @l && $l[-1] !~ /[\n\r]\z/) { $l[-1] .= "\n" }
            splice(@l, $at, 0, "$line\n"); $msg = 'line added'; $changed = 1 };
          if ($idx[0] != -1) {
            my $new = ($E{OPS_BACKREFS} && $m) ? expand($line, \@g, \%n) : $line;
            $new .= "\n" unless $new =~ /\n\z/;
            if ($l[$idx[0]] ne $new) { $l[$idx[0]] = $new; $msg = 'line replaced'; $changed = 1 }
          } elsif ($E{OPS_BACKREFS}) {
          } elsif ($before eq 'BOF' || $after eq 'BOF') { $add->(0) }
          elsif ($after eq 'EOF' || $idx[1] == -1) { $add->(scalar @l) }
          elsif (length $after) {
            if (@l == $idx[1]) { $add->($idx[1]) if strip($l[$idx[1] - 1]) ne $line }
            elsif (strip($l[$idx[1]]) ne $line) { $add->($idx[1]) }
          } else { $add->($idx[1]) }
          print $kv "changed=$changed\nmsg=$msg\n";
        }
        print join('', @l);

        """#
}
