import Foundation
import Jinja
import Yams
import OpsCore

/// `opsctl render`: every template of `templates/manifest.yml`, rendered with the variables of
/// the first host of its group (as Ansible's template module would on that host), over the
/// stack's defaults (`templates/defaults.yml`, lowest precedence). Output goes to a staging
/// directory renamed into place, so a failed render leaves the previous output untouched.
public struct StackRenderer {
    public let templatesDirectory: String
    public let inventory: Inventory
    let defaults: ValueDict
    let manifest: RenderManifest
    let environment: Jinja.Environment

    public init(templatesDirectory: String, inventory: Inventory, reader: any SourceReader) throws {
        self.templatesDirectory = templatesDirectory
        self.inventory = inventory
        let manifestPath = joinPath(templatesDirectory, "manifest.yml")
        do {
            manifest = try YAMLDecoder().decode(RenderManifest.self, from: try reader.read(manifestPath))
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError("\(manifestPath): \(error)")
        }
        let defaultsPath = joinPath(templatesDirectory, "defaults.yml")
        defaults = reader.exists(defaultsPath)
            ? PlaybookValues.dict(try InventoryLoader(reader: reader).readVarsFile(defaultsPath)) : ValueDict()
        environment = Jinja.Environment(options: .ansible, loader: FileTemplateLoader(roots: [templatesDirectory]))
    }

    public struct Output {
        public var files: [(entry: RenderManifest.Entry, text: String)]
        public var skipped: [String]
    }

    /// Renders without writing: errors name the template and line, or the missing variable.
    public func render(only kind: String?) throws -> Output {
        var groups: [String: [String]] = [:]
        for (g, members) in inventory.groupMembership { groups[g] = members }
        var files: [(RenderManifest.Entry, String)] = []
        var skipped: [String] = []
        var scopes: [String: VariableScope] = [:]
        for entry in manifest.entries(only: kind) {
            let host: String?
            switch entry.renderHost(groups: groups) {
            case .skip(let reason):
                skipped.append("\(entry.out): \(reason)")
                continue
            case .localhost: host = nil
            case .host(let h): host = h
            }
            let key = host ?? "\u{0}localhost"
            let scope = scopes[key] ?? self.scope(for: host, groups: groups)
            scopes[key] = scope
            do {
                files.append((entry, try environment.template(named: entry.src).render(scope)))
            } catch let error as TemplateError {
                throw InputError("\(error.description)")
            }
        }
        return Output(files: files, skipped: skipped)
    }

    /// Ansible's layering for a host: defaults < group vars (by depth) < host vars, plus the
    /// magic variables. `nil` is `localhost`: group `all` variables only.
    func scope(for host: String?, groups: [String: [String]]) -> VariableScope {
        let vars = host.map { inventory.variables(for: $0) } ?? inventory.variables(forGroup: "all")
        let templar = Templar(environment: environment)
        var magic = ValueDict()
        var g = ValueDict()
        for (name, members) in inventory.groupMembership { g[name] = .list(members.map(Value.string)) }
        magic["groups"] = .dict(g)
        let name = host ?? "localhost"
        magic["inventory_hostname"] = .string(name)
        magic["inventory_hostname_short"] = .string(String(name.prefix { $0 != "." }))
        magic["group_names"] = .list((host.map { inventory.groupNames(of: $0) } ?? []).map(Value.string))
        var hostvars = ValueDict()
        for h in inventory.hosts {
            var hv = PlaybookValues.dict(inventory.variables(for: h.name))
            if hv["ansible_host"] == nil { hv["ansible_host"] = .string(h.name) }
            hv["inventory_hostname"] = .string(h.name)
            hv["inventory_hostname_short"] = .string(String(h.name.prefix { $0 != "." }))
            hv["group_names"] = .list(inventory.groupNames(of: h.name).map(Value.string))
            hostvars[h.name] = .dict(hv)
        }
        magic["hostvars"] = .dict(hostvars)
        var hostLayer = PlaybookValues.dict(vars)
        if let host, hostLayer["ansible_host"] == nil { hostLayer["ansible_host"] = .string(host) }
        return VariableScope(layers: [defaults, hostLayer, magic], templar: templar)
    }

    /// Writes `output` to `directory` through a staging directory beside it.
    public static func write(_ output: Output, to directory: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".render-\(UUID().uuidString)")
        do {
            for (entry, text) in output.files {
                let path = staging.appendingPathComponent(entry.out)
                try fm.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: path)
                try fm.setAttributes([.posixPermissions: entry.permissions ?? 0o644], ofItemAtPath: path.path)
            }
            let old = parent.appendingPathComponent(target.lastPathComponent + ".old-\(UUID().uuidString)")
            let hadOld = fm.fileExists(atPath: target.path)
            if hadOld { try fm.moveItem(at: target, to: old) }
            try fm.moveItem(at: staging, to: target)
            if hadOld { try? fm.removeItem(at: old) }
        } catch {
            try? fm.removeItem(at: staging)
            throw InputError("cannot write the rendered files to \(directory): \(error.localizedDescription)")
        }
    }
}
