import Foundation
import Jinja
import OpsCore

/// `blockinfile`: a block of lines between `# BEGIN/END ANSIBLE MANAGED BLOCK` markers, inserted,
/// replaced or removed as Ansible does, so files Ansible wrote keep working.
enum BlockInFileModule: Module {
    static let spec = ModuleSpec(
        name: "blockinfile",
        args: [
            .init("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
            .init("state", choices: ["absent", "present"]),
            .init("marker"), .init("block", .raw, aliases: ["content"]), .init("insertafter"), .init("insertbefore"),
            .init("create", .bool), .init("backup", .bool), .init("marker_begin"), .init("marker_end"),
            .init("append_newline", .bool), .init("prepend_newline", .bool), .init("validate"), .init("mode", .mode),
            .init("owner"), .init("group"), .init("unsafe_writes", .bool), .init("seuser"), .init("serole"),
            .init("setype"), .init("selevel"), .init("attributes", aliases: ["attr"]),
        ],
        mutuallyExclusive: [["insertbefore", "insertafter"]])

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try args.require("path")
        let state = args.string("state") ?? "present"
        let marker = args.string("marker") ?? "# {mark} ANSIBLE MANAGED BLOCK"
        let begin = args.string("marker_begin") ?? "BEGIN", end = args.string("marker_end") ?? "END"
        var params: [String: String] = [
            "OPS_STATE": state, "OPS_BLOCK": args.string("block") ?? "",
            "OPS_MARKER0": marker.replacingOccurrences(of: "{mark}", with: begin),
            "OPS_MARKER1": marker.replacingOccurrences(of: "{mark}", with: end),
        ]
        if let after = args.string("insertafter") { params["OPS_AFTER"] = after }
        if let before = args.string("insertbefore") { params["OPS_BEFORE"] = before }
        if try args.bool("prepend_newline", default: false) { params["OPS_PREPEND"] = "1" }
        if try args.bool("append_newline", default: false) { params["OPS_APPEND"] = "1" }
        let backup = try args.bool("backup", default: false)
        let outcome = try TextFileEditor.edit(
            .init(
                path: path, program: TextFileEditor.perlPrelude + program, parameters: params,
                create: try args.bool("create", default: false), missingFails: true,
                missingMessage: "Path \(path) does not exist !", backup: backup, validate: args.string("validate"),
                mode: try args.mode(), owner: args.string("owner"), group: args.string("group")),
            module: "blockinfile", context)
        var result = outcome.result
        if result.failed { return result }
        if outcome.keyValues["missing"] == "1" {
            result.msg = "File \(path) not present"
            result.values["msg"] = .string(result.msg!)
            return result
        }
        let msg = outcome.contentChanged ? outcome.keyValues["msg"] ?? "" : ""
        result.msg = TextFileEditor.message(msg, attributesChanged: outcome.attributesChanged)
        result.values["msg"] = .string(result.msg ?? "")
        if backup, let b = outcome.keyValues["backup_file"] { result.values["backup_file"] = .string(b) }
        return result
    }

    /// blockinfile.py's main(): find both markers, cut the old block, insert the new one.
    static let program = #"""
        my $m0 = $E{OPS_MARKER0}; my $m1 = $E{OPS_MARKER1}; my $block = $E{OPS_BLOCK};
        my $present = $E{OPS_STATE} eq 'present';
        if (!$present && !$E{OPS_EXISTS}) { print $kv "changed=0\nmissing=1\n"; exit 0 }
        $block .= "\n" if length $block && $block !~ /\n\z/;
        my @bl = ($present && length $block) ? ("$m0\n", split(/(?<=\n)/, $block), "$m1\n") : ();
        my $after = $E{OPS_AFTER}; my $before = $E{OPS_BEFORE};
        my ($n0, $n1);
        for my $i (0..$#l) { my $s = strip($l[$i]); $n0 = $i if $s eq $m0; $n1 = $i if $s eq $m1; }
        if (!defined $n0 || !defined $n1) {
          $n0 = undef; my $ins;
          if (defined $after && $after ne 'EOF') { $ins = rx('OPS_AFTER', 'insertafter') }
          elsif (defined $before && $before ne 'BOF') { $ins = rx('OPS_BEFORE', 'insertbefore') }
          if (defined $ins) {
            for my $i (0..$#l) { $n0 = $i if $l[$i] =~ $ins }
            if (!defined $n0) { $n0 = scalar @l } elsif (defined $after) { $n0++ }
          } elsif (defined $before) { $n0 = 0 } else { $n0 = scalar @l }
        } elsif ($n0 < $n1) { splice(@l, $n0, $n1 - $n0 + 1) }
        else { splice(@l, $n1, $n0 - $n1 + 1); $n0 = $n1 }
        if ($n0 > 0 && $l[$n0 - 1] !~ /\n\z/) { $l[$n0 - 1] .= "\n" }
        if (@bl && $E{OPS_PREPEND} && $n0 != 0 && $l[$n0 - 1] ne "\n") { splice(@l, $n0, 0, "\n"); $n0++ }
        splice(@l, $n0, 0, @bl);
        my $n = $n0 + @bl;
        if (@bl && $E{OPS_APPEND} && $n != @l && $l[$n] ne "\n") { splice(@l, $n, 0, "\n") }
        my $result = join('', @l);
        my ($changed, $msg) = (1, '');
        if ($E{OPS_EXISTS} && $result eq $text) { $changed = 0 }
        elsif (!$E{OPS_EXISTS}) { $msg = 'File created' }
        elsif (!@bl) { $msg = 'Block removed' }
        else { $msg = 'Block inserted' }
        print $kv "changed=$changed\nmsg=$msg\n";
        print $result;

        """#
}
