import Jinja
import XCTest

/// Bad templates fail with messages that say where (name:line:col, the line, a caret) and what to do.
final class ErrorTests: XCTestCase {
    let env = Environment()

    func error(_ source: String, _ vars: ValueDict = [:], name: String = "site.j2") -> TemplateError? {
        do {
            _ = try env.template(source: source, name: name).render(vars)
            return nil
        } catch let e as TemplateError {
            return e
        } catch {
            XCTFail("unexpected error type: \(error)")
            return nil
        }
    }

    func testSyntaxErrorHasPositionSourceLineAndCaret() throws {
        let e = try XCTUnwrap(error("line one\n  {{ user name }}\n"))
        XCTAssertEqual(e.kind, .syntax)
        XCTAssertEqual(e.templateName, "site.j2")
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.column, 11)
        XCTAssertEqual(
            e.description,
            """
            site.j2:2:11: syntax error: expected end of print statement '}}', got 'name'
                  {{ user name }}
                          ^
            """)
    }

    func testUnclosedBlockNamesTheOpeningLine() throws {
        let e = try XCTUnwrap(error("a\n{% for x in y %}\n{{ x }}\n"))
        XCTAssertEqual(e.kind, .syntax)
        XCTAssertTrue(e.message.contains("'else' or 'endfor'"), e.message)
        XCTAssertTrue(e.message.contains("opened at line 2"), e.message)
    }

    func testUnbalancedBracketsAndBadCharacters() throws {
        XCTAssertEqual(error("{{ (1 + }}")?.message, "unexpected '}', expected ')'")
        XCTAssertEqual(error("{{ a $ b }}")?.column, 6)
        XCTAssertEqual(error("{{ 'open }}")?.message, "unterminated string literal")
        XCTAssertEqual(error("{# never closed")?.kind, .syntax)
        XCTAssertEqual(error("{% raw %}never closed")?.kind, .syntax)
        XCTAssertEqual(error("{% endif %}")?.message, "unexpected 'endif': there is no open block it could close")
    }

    func testUnknownStatementSuggestsTheClosestOne() throws {
        let e = try XCTUnwrap(error("{% fro x in y %}{% endfor %}"))
        XCTAssertEqual(e.message, "unknown statement 'fro'; did you mean 'for'?")
    }

    /// ansible-core enables no jinja2 extensions: `break`, `continue` and `do` are unknown tags there too.
    func testLoopControlsAndDoAreUnknownTagsAsInAnsible() throws {
        for (source, tag) in [
            ("{% for i in [1] %}\n{% break %}{% endfor %}", "break"),
            ("{% for i in [1] %}\n{% continue %}{% endfor %}", "continue"),
            ("\n{% do l.append(1) %}", "do"),
        ] {
            let e = try XCTUnwrap(error(source))
            XCTAssertEqual(e.kind, .syntax, source)
            XCTAssertEqual(e.line, 2, source)
            XCTAssert(e.message.contains("'\(tag)'"), e.message)
        }
    }

    func testUndefinedVariableNamesVariableAndLine() throws {
        let e = try XCTUnwrap(error("ok\n\nport {{ app_prot }}\n", ["app_port": 80]))
        XCTAssertEqual(e.kind, .undefined)
        XCTAssertEqual(e.variable, "app_prot")
        XCTAssertEqual(e.line, 3)
        XCTAssertTrue(e.description.hasPrefix("site.j2:3: undefined variable: 'app_prot' is undefined"), e.description)
        XCTAssertTrue(e.description.contains("port {{ app_prot }}"), e.description)
    }

    func testMissingAttributeNamesThePath() throws {
        let e = try XCTUnwrap(error("{{ server.tls.cert }}", ["server": ["name": "a"]]))
        XCTAssertEqual(e.variable, "server.tls")
        XCTAssertTrue(
            e.message.contains("'dict object' has no attribute 'tls'") || e.message.contains("server.tls"),
            e.message)
    }

    func testUndefinedIsFineWhenTestedOrDefaulted() throws {
        let t = try env.template(
            source: """
                {{ a is defined }} {{ a.b.c is defined }} {{ a | default('x') }} {{ a.b | d('y') }} \
                {% if a is undefined %}u{% endif %}
                """)
        XCTAssertEqual(try t.render(), "False False x y u")
    }

    func testUndefinedInsideLoopAndConditionIsAnError() throws {
        XCTAssertEqual(error("{% for x in nothing %}{% endfor %}")?.variable, "nothing")
        XCTAssertEqual(error("{% if flag %}{% endif %}")?.variable, "flag")
        XCTAssertEqual(error("{{ missing + 1 }}")?.variable, "missing")
        XCTAssertEqual(error("{{ missing | upper }}")?.variable, "missing")
    }

    func testUnknownFilterAndTestSuggest() throws {
        let f = try XCTUnwrap(error("{{ x | to_nice_jsn }}"))
        XCTAssertEqual(f.kind, .unknownFilter)
        XCTAssertEqual(f.message, "no filter named 'to_nice_jsn'; did you mean 'to_nice_json'?")
        XCTAssertEqual(f.column, 8)
        let t = try XCTUnwrap(error("{{ x is defind }}"))
        XCTAssertEqual(t.kind, .unknownTest)
        XCTAssertEqual(t.message, "no test named 'defind'; did you mean 'defined'?")
        XCTAssertEqual(error("{{ x | zzzzzzzz }}")?.message, "no filter named 'zzzzzzzz'")
    }

    func testMandatoryAndTypeErrors() throws {
        XCTAssertEqual(error("{{ token | mandatory }}")?.message, "Mandatory variable 'token' not defined.")
        XCTAssertEqual(error("{{ token | mandatory('set token in vault') }}")?.message, "set token in vault")
        XCTAssertEqual(error("{{ 'a' + 1 }}")?.message, "can only concatenate str (not \"int\") to str")
        XCTAssertEqual(error("{{ 1 / 0 }}")?.message, "division by zero")
        XCTAssertEqual(
            error("{{ x | combine({'a': 1}, recursve=true) }}", ["x": [:]])?.message,
            "combine() got an unexpected keyword argument 'recursve'; did you mean 'recursive'?")
    }

    func testErrorsInIncludedTemplatesNameThatTemplate() throws {
        let env = Environment(
            loader: DictionaryLoader([
                "main.j2": "top\n{% include 'part.j2' %}\n",
                "part.j2": "one\ntwo {{ nope }}\n",
            ]))
        XCTAssertThrowsError(try env.template(named: "main.j2").render()) { e in
            let e = e as! TemplateError
            XCTAssertEqual(e.templateName, "part.j2")
            XCTAssertEqual(e.line, 2)
        }
        XCTAssertThrowsError(try env.template(source: "{% include 'absent.j2' %}").render()) { e in
            XCTAssertEqual((e as! TemplateError).kind, .templateNotFound)
        }
    }

    func testRecursionIsBounded() throws {
        let e = try XCTUnwrap(error("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"))
        XCTAssertTrue(e.message.contains("maximum call depth"), e.message)
    }

    func testBadOverrideHeader() throws {
        XCTAssertEqual(error("#jinja2: trim_block: True\nx")?.kind, .syntax)
    }
}
