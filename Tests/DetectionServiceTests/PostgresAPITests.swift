import XCTest

// Generated list: the same cases as the other backend's class (APISuite / StorageSuite).
final class PostgresAPITests: XCTestCase {
    override class func tearDown() {
        SharedCluster.stop()
        super.tearDown()
    }

    func testHealthVersionReady() async throws { try await APISuite.healthVersionReady(.postgres) }
    func testMetricsExposition() async throws { try await APISuite.metricsExposition(.postgres) }
    func testAuthentication() async throws { try await APISuite.authentication(.postgres) }
    func testDetectStoresRun() async throws { try await APISuite.detectStoresRun(.postgres) }
    func testListPagingAndFilters() async throws { try await APISuite.listPagingAndFilters(.postgres) }
    func testBadInputIsRejected() async throws { try await APISuite.badInputIsRejected(.postgres) }
    func testBodyLimit() async throws { try await APISuite.bodyLimit(.postgres) }
    func testMaximumSeriesIsAccepted() async throws { try await APISuite.maximumSeriesIsAccepted(.postgres) }
    func testRateLimit() async throws { try await APISuite.rateLimit(.postgres) }
    func testReadinessNamesMigrations() async throws { try await APISuite.readinessNamesMigrations(.postgres) }
    func testReadinessNamesAnUnreachableDatabase() async throws {
        try await APISuite.readinessNamesAnUnreachableDatabase(.postgres)
    }
    func testSpikeIsReported_needsDetectors() async throws { try await APISuite.spikeIsReported(.postgres) }
    func testStorageRoundTrip() async throws { try await StorageSuite.storageRoundTrip(.postgres) }
    func testSeverityFilter() async throws { try await StorageSuite.severityFilter(.postgres) }
    func testMigrationsAreIdempotent() async throws { try await StorageSuite.migrationsAreIdempotent(.postgres) }
    func testConcurrentSavesAreEachStored() async throws {
        try await StorageSuite.concurrentSavesAreEachStored(.postgres)
    }
}
