import EOSModel
import EOSTesting
import Synchronization
import Testing

@Suite("ReconcileSignal")
struct ReconcileSignalTests {
    /// A clock the test moves by hand: a sleep ends when the clock is moved to its deadline or past it.
    final class ManualClock: Clock {
        struct Instant: InstantProtocol {
            var offset: Duration
            func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
            func duration(to other: Instant) -> Duration { other.offset - offset }
            static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        }

        private struct State {
            var now = Instant(offset: .zero)
            var sleepers: [(deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = []
        }

        private let state = Mutex(State())
        var now: Instant { state.withLock { $0.now } }
        var minimumResolution: Duration { .zero }
        /// How many sleeps wait for the clock to move.
        var sleeping: Int { state.withLock { $0.sleepers.count } }
        /// The deadlines they wait for, soonest first.
        var deadlines: [Duration] { state.withLock { $0.sleepers.map(\.deadline.offset).sorted() } }

        func sleep(until deadline: Instant, tolerance: Duration?) async throws {
            try await withCheckedThrowingContinuation { continuation in
                let due = state.withLock { state in
                    guard deadline > state.now else { return true }
                    state.sleepers.append((deadline, continuation))
                    return false
                }
                if due { continuation.resume() }
            }
        }

        /// Moves the clock on by `duration`, ending the sleeps that fall due.
        func advance(by duration: Duration) {
            let due = state.withLock { state in
                state.now = state.now.advanced(by: duration)
                let now = state.now
                defer { state.sleepers.removeAll { $0.deadline <= now } }
                return state.sleepers.filter { $0.deadline <= now }.map(\.continuation)
            }
            for continuation in due { continuation.resume() }
        }
    }

    /// A wait started in its own task, which notes when it has ended.
    struct Waiting {
        final class Flag: Sendable {
            let raised = Mutex(false)
        }

        private let ended = Flag()
        let task: Task<Void, Never>

        init(_ body: @escaping @Sendable () async -> Void) {
            let ended = self.ended
            task = Task {
                await body()
                ended.raised.withLock { $0 = true }
            }
        }

        var hasEnded: Bool { ended.raised.withLock { $0 } }
    }

    @Test("a signal sent before a wait, or while it waits, ends it; signals sent meanwhile collapse into one")
    func signals() async throws {
        let signal = ReconcileSignal()
        let clock = ManualClock()
        signal.signal()
        signal.signal()
        await signal.wait(upTo: .seconds(60), clock: clock)
        let waiting = Waiting { await signal.wait(upTo: .seconds(60), clock: clock) }
        try await eventually("the wait's timeout asleep") { clock.sleeping == 1 }
        #expect(!waiting.hasEnded)
        signal.signal()
        await waiting.task.value
        let untimed = Waiting { await signal.wait() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!untimed.hasEnded)
        signal.signal()
        await untimed.task.value
    }

    @Test("a wait nothing wakes ends at its timeout, and a cancelled wait ends at once")
    func timeoutAndCancellation() async throws {
        let signal = ReconcileSignal()
        let clock = ManualClock()
        let waiting = Waiting { await signal.wait(upTo: .seconds(10), clock: clock) }
        try await eventually("the wait's timeout asleep") { clock.sleeping == 1 }
        clock.advance(by: .seconds(9))
        try await Task.sleep(for: .milliseconds(50))
        #expect(!waiting.hasEnded)
        clock.advance(by: .seconds(1))
        await waiting.task.value

        let cancelled = Waiting { await signal.wait(upTo: .seconds(3600), clock: clock) }
        try await eventually("the second wait's timeout asleep") { clock.sleeping == 1 }
        cancelled.task.cancel()
        await cancelled.task.value
        #expect(clock.sleeping == 1, "the timeout's sleep is left to fall, not doubled")
    }

    @Test("waits that signals end share one sleeping timeout, and each still ends at its own timeout")
    func sharedTimeout() async throws {
        let signal = ReconcileSignal()
        let clock = ManualClock()
        // A long wait that a signal ends: its timeout's sleep stays, for the waits after it.
        let first = Waiting { await signal.wait(upTo: .seconds(100), clock: clock) }
        try await eventually("the first timeout asleep") { clock.sleeping == 1 }
        signal.signal()
        await first.task.value
        // Many waits ended by signals, each with a timeout no sooner: no sleep more.
        for _ in 0..<20 {
            let waiting = Waiting { await signal.wait(upTo: .seconds(150), clock: clock) }
            try await Task.sleep(for: .milliseconds(2))
            signal.signal()
            await waiting.task.value
        }
        #expect(clock.deadlines == [.seconds(100)])
        // A sooner timeout gets a sleep of its own, and ends then.
        let soon = Waiting { await signal.wait(upTo: .seconds(10), clock: clock) }
        try await eventually("the sooner timeout asleep") { clock.deadlines == [.seconds(10), .seconds(100)] }
        clock.advance(by: .seconds(10))
        await soon.task.value
        // The sleep it took over from falls for nothing; a later wait's timeout is slept towards afresh.
        let later = Waiting { await signal.wait(upTo: .seconds(200), clock: clock) }
        try await eventually("the later timeout asleep") { clock.deadlines == [.seconds(100), .seconds(210)] }
        clock.advance(by: .seconds(90))
        try await eventually("the earlier sleep gone") { clock.deadlines == [.seconds(210)] }
        #expect(!later.hasEnded)
        // Signals end the later waits first, and the sleep there keeps the timeout of each new one.
        signal.signal()
        await later.task.value
        let last = Waiting { await signal.wait(upTo: .seconds(150), clock: clock) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(clock.deadlines == [.seconds(210)])
        clock.advance(by: .seconds(110))
        try await eventually("the sleep moved on to the last timeout") { clock.deadlines == [.seconds(250)] }
        #expect(!last.hasEnded)
        clock.advance(by: .seconds(40))
        await last.task.value
        // Nobody waits: the sleep is over, and the next wait starts one afresh.
        #expect(clock.sleeping == 0)
        let next = Waiting { await signal.wait(upTo: .seconds(5), clock: clock) }
        try await eventually("a fresh timeout asleep") { clock.deadlines == [.seconds(255)] }
        clock.advance(by: .seconds(5))
        await next.task.value
    }
}
