import Foundation

struct TimeoutError: Error {}

/// `body`'s result, or `TimeoutError` once `limit` has passed (within `DeadlineSweeper.period`);
/// `body` keeps running (cancelled) in the background then. Every detect request waits on the
/// database through this, so it costs one task and a dictionary entry: the previous task group
/// with a sleeping child armed and cancelled a dispatch timer per request, and the dispatch
/// thread that services timers was a visible share of the service's CPU time.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome = Outcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            outcome.install(continuation)
            let id = DeadlineSweeper.shared.register(deadline: .now + limit) {
                outcome.finish(.failure(TimeoutError()))
            }
            outcome.whenFinished { DeadlineSweeper.shared.remove(id) }
            let work = Task {
                do {
                    outcome.finish(.success(try await body()))
                } catch {
                    outcome.finish(.failure(error))
                }
            }
            outcome.whenFinished { work.cancel() }
        }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
    }
}

/// The first of body, deadline and cancellation to finish wins; the others are ignored.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var result: Result<T, any Error>?
    private var cleanups: [() -> Void] = []

    func install(_ c: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let result {
            lock.unlock()
            c.resume(with: result)
            return
        }
        continuation = c
        lock.unlock()
    }

    func finish(_ r: Result<T, any Error>) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = r
        let c = continuation
        continuation = nil
        let run = cleanups
        cleanups = []
        lock.unlock()
        c?.resume(with: r)
        for cleanup in run { cleanup() }
    }

    /// Runs `cleanup` once the outcome is known (at once if it already is).
    func whenFinished(_ cleanup: @escaping () -> Void) {
        lock.lock()
        if result == nil {
            cleanups.append(cleanup)
            lock.unlock()
            return
        }
        lock.unlock()
        cleanup()
    }
}

/// One timer for all pending deadlines: a task that wakes every `period` while any are pending and
/// fails those that have passed.
final class DeadlineSweeper: @unchecked Sendable {
    static let shared = DeadlineSweeper()
    static let period = Duration.milliseconds(100)

    private let lock = NSLock()
    private var pending: [UInt64: (deadline: ContinuousClock.Instant, expire: @Sendable () -> Void)] = [:]
    private var nextID: UInt64 = 0
    private var sweeping = false

    func register(deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        lock.lock()
        nextID &+= 1
        let id = nextID
        pending[id] = (deadline, expire)
        let start = !sweeping
        sweeping = true
        lock.unlock()
        if start {
            Task.detached { await self.sweep() }
        }
        return id
    }

    func remove(_ id: UInt64) {
        lock.lock()
        pending[id] = nil
        lock.unlock()
    }

    private func sweep() async {
        while true {
            try? await Task.sleep(for: Self.period)
            let (expired, stop) = takeExpired(now: .now)
            for expire in expired { expire() }
            if stop { return }
        }
    }

    /// The expiry actions of deadlines before `now` (removed), and whether nothing is left to watch.
    private func takeExpired(now: ContinuousClock.Instant) -> ([@Sendable () -> Void], Bool) {
        lock.lock()
        defer { lock.unlock() }
        let expired = pending.filter { $0.value.deadline <= now }
        for id in expired.keys { pending[id] = nil }
        if pending.isEmpty { sweeping = false }
        return (expired.values.map(\.expire), !sweeping)
    }
}
