import Foundation
import Jinja
import XCTest

/// The API the playbook engine builds on: expressions, lazy variable lookup, native values, concurrency.
final class APITests: XCTestCase {
    let env = Environment()

    func testExpressionsForWhenAndLoop() throws {
        let vars: ValueDict = [
            "os": "Debian", "port": "8080", "users": ["a", "b"], "result": ["rc": 0, "changed": true],
        ]
        XCTAssertTrue(try env.expression("os == 'Debian' and port | int > 1024").isTrue(vars))
        XCTAssertFalse(try env.expression("result.rc != 0").isTrue(vars))
        XCTAssertTrue(try env.expression("result is changed").isTrue(vars))
        XCTAssertEqual(try env.expression("users + ['c']").evaluate(vars), ["a", "b", "c"])
        XCTAssertEqual(try env.expression("range(3) | list").evaluate(vars), [0, 1, 2])
        XCTAssertThrowsError(try env.expression("os ==").evaluate(vars)) { e in
            XCTAssertEqual((e as! TemplateError).kind, .syntax)
        }
        XCTAssertThrowsError(try env.expression("missing_var").isTrue(vars)) { e in
            XCTAssertEqual((e as! TemplateError).variable, "missing_var")
        }
    }

    func testLazyResolverTemplatesNestedVariables() throws {
        // Ansible templates `a: "{{ b }}"` only when `a` is used: the caller's resolver does it.
        let raw: ValueDict = ["b": "{{ c }}-suffix", "c": "base", "a": "{{ b | upper }}"]
        var lookups: [String] = []
        final class Box { var resolver: ClosureResolver? }
        let box = Box()
        box.resolver = ClosureResolver { name in
            lookups.append(name)
            guard let v = raw[name] else { return nil }
            if case .string(let s) = v { return try self.env.evaluateString(s, box.resolver!) }
            return v
        }
        XCTAssertEqual(try env.renderString("{{ a }}!", box.resolver!), "BASE-SUFFIX!")
        XCTAssertEqual(lookups, ["a", "b", "c"])
    }

    func testSingleExpressionKeepsNativeType() throws {
        let vars: ValueDict = ["users": ["x", "y"], "n": 3]
        XCTAssertEqual(try env.evaluateString("{{ users }}", vars), ["x", "y"])
        XCTAssertEqual(try env.evaluateString("{{ n * 2 }}", vars), 6)
        XCTAssertEqual(try env.evaluateString("n={{ n }}", vars), "n=3")
        XCTAssertEqual(try env.evaluateString("no template here", vars), "no template here")
        XCTAssertFalse(Template.containsSyntax("plain {text}"))
        XCTAssertTrue(Template.containsSyntax("{{ x }}"))
    }

    func testValuesFromLiteralsYAMLAndJSON() throws {
        let yaml = try Value(yaml: "b: 1\na: [yes, '1', 1.5, null, 017, 0o17, ~]\nc: {z: 1, y: 2}\n")
        XCTAssertEqual(yaml, ["b": 1, "a": [true, "1", 1.5, nil, 15, "0o17", nil], "c": ["z": 1, "y": 2]])
        XCTAssertEqual(yaml.dictValue?.keys, ["b", "a", "c"], "mapping order is kept")
        let json = try JSON.parse(#"{"z": [1, 2.5, "x", true, null], "a": {}}"#)
        XCTAssertEqual(json.dictValue?.keys, ["z", "a"])
        XCTAssertEqual(try JSON.dump(json), #"{"z": [1, 2.5, "x", true, null], "a": {}}"#)
        XCTAssertEqual(
            Value(any: ["k": [1, "two", 3.5, true] as [Any]] as [String: Any]), ["k": [1, "two", 3.5, true]])
        XCTAssertEqual(try Value.double(1e16).pythonString(), "1e+16")
        XCTAssertEqual(try Value.double(1e15).pythonString(), "1000000000000000.0")
        XCTAssertEqual(try Value.list([1, "a", nil, true]).pythonString(), "[1, 'a', None, True]")
        XCTAssertThrowsError(try JSON.parse("{\"a\": }"))
        XCTAssertThrowsError(try Value(yaml: "a: [unclosed"))
    }

    func testOptionsMatchJinja2Defaults() throws {
        let plain = Environment(options: .jinja2)
        XCTAssertEqual(
            try plain.template(source: "{% if true %}\nx\n{% endif %}\n{{ none }}\n").render(),
            "\nx\n\nNone")
        let ansible = Environment()
        XCTAssertEqual(try ansible.template(source: "{% if true %}\nx\n{% endif %}\n{{ none }}\n").render(), "x\n")
        let lstrip = Environment(options: TemplateOptions(lstripBlocks: true, preserveTrailingNewlines: false))
        XCTAssertEqual(
            try lstrip.template(source: "a\n    {% if true %}\n    b\n    {% endif %}\n").render(),
            "a\n    b\n")
    }

    func testCustomFiltersTestsAndGlobals() throws {
        let env = Environment(
            filters: ["shout": { v, _, _ in .string(try v.pythonString().uppercased() + "!") }],
            tests: ["port": { v, _, _ in (v.intValue ?? 0) > 0 && (v.intValue ?? 0) < 65536 }],
            globals: ["site": "example"])
        XCTAssertEqual(
            try env.template(source: "{{ site | shout }} {{ 80 is port }} {{ 0 is port }}").render(),
            "EXAMPLE! True False")
    }

    func testCompiledTemplateRendersConcurrently() throws {
        let t = try env.template(
            source: """
                {% for u in users %}{{ loop.index }}:{{ u.name | upper }}{% if not loop.last %},{% endif %}{% endfor %}\
                {% set ns = namespace(n=0) %}{% for u in users %}{% set ns.n = ns.n + u.id %}{% endfor %} sum={{ ns.n }}
                """)
        let results = UnsafeMutableBufferPointer<String>.allocate(capacity: 64)
        results.initialize(repeating: "")
        defer {
            results.deinitialize()
            results.deallocate()
        }
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let users: Value = .list((0..<(i % 5 + 1)).map { ["name": .string("u\(i)-\($0)"), "id": .int($0)] })
            results[i] = (try? t.render(["users": users])) ?? "error"
        }
        for i in 0..<64 {
            let n = i % 5 + 1
            let names = (0..<n).map { "\($0 + 1):U\(i)-\($0)" }.joined(separator: ",")
            XCTAssertEqual(results[i], names + " sum=\((0..<n).reduce(0, +))")
        }
    }
}

final class CallContextTests: XCTestCase {
    func testGlobalFunctionsCanReadTheCallersVariables() throws {
        // How the playbook engine can offer `lookup('vars', name)` on top of the engine.
        let lookup = FunctionObject(name: "lookup") { args, ctx in
            guard args.positional.first == "vars", let name = args.positional.dropFirst().first?.stringValue else {
                throw TemplateError(.runtime, "only lookup('vars', name) is supported here")
            }
            return try ctx.variable(name)
        }
        let env = Environment(globals: ["lookup": .object(lookup)])
        let t = try env.template(
            source: "{% for x in [1, 2] %}{{ lookup('vars', 'x') }}{% endfor %} {{ lookup('vars', 'top') }}")
        XCTAssertEqual(try t.render(["top": "T"]), "12 T")
        XCTAssertThrowsError(try t.render()) { e in XCTAssertEqual((e as! TemplateError).variable, "top") }
    }
}
