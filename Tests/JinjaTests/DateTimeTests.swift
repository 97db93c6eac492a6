import Foundation
import Jinja
import XCTest

/// `now()`, `to_datetime` and the datetime/timedelta values they make: what the differential corpus
/// cannot pin down (the clock) and the wording of each error.
final class DateTimeTests: XCTestCase {
    let env = Environment()

    func render(_ source: String, _ vars: ValueDict = [:]) throws -> String {
        try env.template(source: source, name: "t.j2").render(vars)
    }

    func error(_ source: String) -> TemplateError? {
        do {
            _ = try render(source)
            return nil
        } catch {
            return error as? TemplateError
        }
    }

    /// Each template fails with exactly its message.
    func assertMessages(_ cases: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (source, message) in cases {
            XCTAssertEqual(error(source)?.message, message, source, file: file, line: line)
        }
    }

    func testNowIsADateTimeFromTheClock() throws {
        XCTAssertEqual(try render("{{ now().year >= 2024 }} {{ now().tzinfo is none }}"), "True True")
        XCTAssertEqual(try render("{{ now(fmt='%Y-%m-%d') | length }} {{ now(True, '%Y') | int >= 2024 }}"), "10 True")
        // Both are naive; on any machine they differ by the local UTC offset (at most ±14 hours).
        let offset = try render("{{ ((now(utc=true) - now()).total_seconds() / 900) | round | int }}")
        XCTAssertLessThanOrEqual(abs(try XCTUnwrap(Int(offset))), 14 * 4)
        let seconds = try XCTUnwrap(Double(try render("{{ now().timestamp() }}")))
        XCTAssertEqual(seconds, Date().timeIntervalSince1970, accuracy: 5)
    }

    func testNowRejectsUnknownArgumentsAndNonStringFormats() {
        assertMessages([
            ("{{ now(fmt_='%Y') }}", "now() got an unexpected keyword argument 'fmt_'; did you mean 'fmt'?"),
            ("{{ now(fmt=5) }}", "now: fmt must be str, not int"),
        ])
    }

    func testToDateTimeMismatchSaysWhatAndWhichFormat() {
        assertMessages([
            ("{{ '2024-03-01' | to_datetime }}", "to_datetime: ValueError: time data '2024-03-01' does not match format '%Y-%m-%d %H:%M:%S'"),
            ("{{ '2024-03-01 10:00:00 UTC' | to_datetime }}", "to_datetime: ValueError: unconverted data remains:  UTC"),
        ])
    }

    func testToDateTimeBadFormats() {
        assertMessages([
            ("{{ '5' | to_datetime('%e') }}", "to_datetime: ValueError: 'e' is a bad directive in format '%e'"),
            ("{{ '5' | to_datetime('%.') }}", "to_datetime: ValueError: '%' is a bad directive in format '%.'"),
            ("{{ '2024' | to_datetime('%Y %') }}", "to_datetime: ValueError: stray % in format '%Y %'"),
            ("{{ '2024 2024' | to_datetime('%Y %Y') }}", "to_datetime: strptime: redefinition of group name 'Y' in format '%Y %Y'"),
        ])
        let zone = error("{{ '+0100' | to_datetime('%z') }}")?.message ?? ""
        XCTAssertTrue(zone.contains("'%z' in format '%z' is not supported"), zone)
        assertMessages([
            ("{{ 'x' | to_datetime(5) }}", "to_datetime: strptime() argument 2 must be str"),
            ("{{ 'x' | to_datetime(formt='%Y') }}", "to_datetime() got an unexpected keyword argument 'formt'; did you mean 'format'?"),
        ])
    }

    func testToDateTimeOutOfRangeFields() {
        assertMessages([
            ("{{ '2023-02-29' | to_datetime('%Y-%m-%d') }}", "to_datetime: ValueError: day is out of range for month"),
            ("{{ '2024-01-01 10:00:61' | to_datetime }}", "to_datetime: ValueError: second must be in 0..59"),
            ("{{ 5 | to_datetime }}", "to_datetime: strptime() argument 1 must be str, not int"),
        ])
        XCTAssertEqual(error("{{ 5 | to_datetime }}")?.kind, .type)
    }

    func testUnknownAttributeIsUndefinedAsInJinja2() throws {
        let e = try XCTUnwrap(error("{{ ('2024-03-01 10:00:00' | to_datetime).foo }}"))
        XCTAssertEqual(e.kind, .undefined)
        XCTAssertEqual(e.message, "'datetime.datetime object' has no attribute 'foo'")
        XCTAssertEqual(try render("{{ ('2024-03-01 10:00:00' | to_datetime).foo is defined }}"), "False")
        let d = try XCTUnwrap(error("{% set a = '2024-03-01' | to_datetime('%Y-%m-%d') %}{{ (a - a).hours }}"))
        XCTAssertEqual(d.message, "'datetime.timedelta object' has no attribute 'hours'")
    }

    func testOperatorsOnOtherTypesAreTypeErrors() {
        let a = "{% set a = '2024-03-01' | to_datetime('%Y-%m-%d') %}"
        assertMessages([
            (a + "{{ a < 1 }}", "'<' not supported between instances of 'datetime.datetime' and 'int'"),
            (a + "{{ a + 1 }}", "unsupported operand type(s) for +: 'datetime.datetime' and 'int'"),
            (a + "{{ a + a }}", "unsupported operand type(s) for +: 'datetime.datetime' and 'datetime.datetime'"),
            (a + "{{ (a - a) < a }}", "'<' not supported between instances of 'datetime.timedelta' and 'datetime.datetime'"),
            (a + "{{ -a }}", "bad operand type for unary -: 'datetime.datetime'"),
        ])
        let last = "{% set z = '9999-12-31' | to_datetime('%Y-%m-%d') %}{% set day = z - z.replace(day=30) %}"
        assertMessages([
            (last + "{{ z + day }}", "OverflowError: date value out of range"),
            (a + "{{ a.replace(year=1) - (a - a.replace(year=1)) * 2 }}", "OverflowError: date value out of range"),
        ])
    }

    func testMethodArgumentErrors() {
        let a = "{% set a = '2024-03-01' | to_datetime('%Y-%m-%d') %}"
        assertMessages([
            (a + "{{ a.strftime(5) }}", "strftime() argument 1 must be str, not int"),
            (a + "{{ a.isoformat(timespec='days') }}", "ValueError: Unknown timespec value"),
            (a + "{{ a.replace(month=13) }}", "ValueError: month must be in 1..12"),
            (a + "{{ a.replace(months=1) }}", "replace() got an unexpected keyword argument 'months'; did you mean 'month'?"),
        ])
    }
}
