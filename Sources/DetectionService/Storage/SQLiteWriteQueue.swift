import AnomalyDetection
import Foundation
import GRDB

/// Group commit. Each run used to be its own transaction, and a commit (WAL frames for every page
/// it touched, the WAL index update) cost more than the inserts. Runs now queue here; one job on
/// GRDB's writer takes everything queued, inserts it in one transaction, and answers each caller
/// only after that COMMIT returned, so a 201 still means the run is stored. Runs that arrive while
/// a commit is in progress go into the next one: one request alone waits for a single commit,
/// many together share them.
final class SQLiteWriteQueue: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<Void, any Error>

    /// Bounds a transaction's size (and how long a reader's snapshot can fall behind).
    static let maxBatch = 256

    private let pool: DatabasePool
    private let lock = NSLock()
    private var queued: [(record: DetectionRecord, waiter: Waiter)] = []
    /// Whether a job on the writer is taking from `queued`; it clears this only once `queued` is empty.
    private var draining = false

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func save(_ record: DetectionRecord) async throws {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            lock.lock()
            queued.append((record, waiter))
            let startJob = !draining
            draining = true
            lock.unlock()
            if startJob {
                pool.asyncWriteWithoutTransaction { db in self.drain(db) }
            }
        }
    }

    private func drain(_ db: Database) {
        while true {
            lock.lock()
            if queued.isEmpty {
                draining = false
                lock.unlock()
                return
            }
            let batch = Array(queued.prefix(Self.maxBatch))
            queued.removeFirst(batch.count)
            lock.unlock()

            do {
                try db.inTransaction {
                    for entry in batch { try Self.insert(entry.record, db) }
                    return .commit
                }
                for entry in batch { entry.waiter.resume() }
            } catch {
                // Whatever failed (one bad run, a full disk), each caller gets its own run's answer.
                for entry in batch {
                    do {
                        try db.inTransaction {
                            try Self.insert(entry.record, db)
                            return .commit
                        }
                        entry.waiter.resume()
                    } catch {
                        entry.waiter.resume(
                            throwing: StorageError(
                                backend: "sqlite", operation: "save detection", underlying: "\(error)"))
                    }
                }
            }
        }
    }

    static func insert(_ record: DetectionRecord, _ db: Database) throws {
        let run = try db.cachedStatement(
            sql: "INSERT INTO detection_runs (\(Migrations.runColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        try run.execute(arguments: [
            record.id, record.createdAtMilliseconds, record.method.rawValue, record.sensitivity,
            record.ensembleThreshold, record.pointCount, record.anomalyCount, record.maxSeverity?.rank ?? -1,
            record.mean, record.standardDeviation, record.durationMilliseconds,
        ])
        guard !record.anomalies.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO detection_anomalies (run_id, idx, ts, value, score, severity) VALUES (?, ?, ?, ?, ?, ?)")
        for a in record.anomalies {
            try insert.execute(arguments: [record.id, a.index, a.timestamp, a.value, a.score, a.severity.rawValue])
        }
    }
}
