import OpsCore

/// Every module opsctl knows. Adding a module: write its type (one file in Modules/) and list it here.
public enum ModuleRegistry {
    static let all: [any Module.Type] = [
        CommandModule.self, ShellModule.self, RawModule.self, CopyModule.self, TemplateModule.self,
        FileModule.self, StatModule.self, DebugModule.self, SetFactModule.self, AssertModule.self,
        FailModule.self, MetaModule.self, PauseModule.self, SetupModule.self, URIModule.self, WaitForModule.self,
        LineInFileModule.self, BlockInFileModule.self, FetchModule.self, SlurpModule.self, AptModule.self,
        SystemdModule.self, ServiceModule.self, UserModule.self, GroupModule.self, CronModule.self,
        UnarchiveModule.self, PostgresUserModule.self, PostgresDatabaseModule.self, AuthorizedKeyModule.self,
    ]

    private static let byName: [String: any Module.Type] = {
        var d: [String: any Module.Type] = [:]
        for m in all { for n in [m.spec.name] + m.spec.aliases { d[n] = m } }
        return d
    }()

    public static let catalog = ModuleCatalog(all.map { $0.spec })

    static func module(_ name: String) -> (any Module.Type)? { byName[ModuleCatalog.shortName(name)] }
}
