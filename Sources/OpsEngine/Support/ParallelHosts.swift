import Foundation

/// Runs one piece of blocking work per host on dedicated threads, at most `forks` at once.
/// Threads, not tasks: transports block in libssh2, and blocking Swift's cooperative pool
/// (two threads on a two-core machine) would serialise the whole fleet.
public enum ParallelHosts {
    public static func run<Result>(
        _ hosts: [String], forks: Int, _ work: @escaping (String) -> Result
    ) -> [Result] {
        guard !hosts.isEmpty else { return [] }
        let results = ResultSlots<Result>(count: hosts.count)
        let next = Counter()
        let workers = max(1, min(forks, hosts.count))
        if workers == 1 {
            for (i, h) in hosts.enumerated() { results.set(i, work(h)) }
            return results.values
        }
        let done = DispatchGroup()
        for _ in 0..<workers {
            done.enter()
            WorkerThreads.shared.submit {
                while let i = next.take(below: hosts.count) { results.set(i, work(hosts[i])) }
                done.leave()
            }
        }
        done.wait()
        return results.values
    }
}

/// Threads kept for the life of the process: a playbook runs every task on every host, and
/// starting (then joining) a thread per host per task costs more than many tasks' own work.
/// Grows whenever no thread is idle, so nested fan-outs cannot starve each other.
final class WorkerThreads: @unchecked Sendable {
    static let shared = WorkerThreads()

    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var idle = 0

    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        queue.append(job)
        let spawn = idle < queue.count
        if !spawn { condition.signal() }
        condition.unlock()
        if spawn {
            let thread = Thread { [unowned self] in self.serve() }
            // libssh2 and TLS need more than the 512 KiB default of secondary threads on Linux.
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    private func serve() {
        while true {
            condition.lock()
            while queue.isEmpty {
                idle += 1
                condition.wait()
                idle -= 1
            }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }
}

private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

private final class ResultSlots<Result>: @unchecked Sendable {
    private var slots: [Result?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    var values: [Result] { slots.map { $0! } }
}
