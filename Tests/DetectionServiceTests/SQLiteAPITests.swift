import XCTest

// Generated list: the same cases as the other backend's class (APISuite / StorageSuite).
final class SQLiteAPITests: XCTestCase {
    override class func tearDown() {
        super.tearDown()
    }

    func testHealthVersionReady() async throws { try await APISuite.healthVersionReady(.sqlite) }
    func testMetricsExposition() async throws { try await APISuite.metricsExposition(.sqlite) }
    func testAuthentication() async throws { try await APISuite.authentication(.sqlite) }
    func testDetectStoresRun() async throws { try await APISuite.detectStoresRun(.sqlite) }
    func testListPagingAndFilters() async throws { try await APISuite.listPagingAndFilters(.sqlite) }
    func testBadInputIsRejected() async throws { try await APISuite.badInputIsRejected(.sqlite) }
    func testBodyLimit() async throws { try await APISuite.bodyLimit(.sqlite) }
    func testMaximumSeriesIsAccepted() async throws { try await APISuite.maximumSeriesIsAccepted(.sqlite) }
    func testRateLimit() async throws { try await APISuite.rateLimit(.sqlite) }
    func testReadinessNamesMigrations() async throws { try await APISuite.readinessNamesMigrations(.sqlite) }
    func testSpikeIsReported_needsDetectors() async throws { try await APISuite.spikeIsReported(.sqlite) }
    func testStorageRoundTrip() async throws { try await StorageSuite.storageRoundTrip(.sqlite) }
    func testSeverityFilter() async throws { try await StorageSuite.severityFilter(.sqlite) }
    func testMigrationsAreIdempotent() async throws { try await StorageSuite.migrationsAreIdempotent(.sqlite) }
    func testConcurrentSavesAreEachStored() async throws {
        try await StorageSuite.concurrentSavesAreEachStored(.sqlite)
    }
}
