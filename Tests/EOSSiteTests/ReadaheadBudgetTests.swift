import Synchronization
import Testing

@testable import EOSSite

@Suite("ReadaheadBudget", .timeLimit(.minutes(1)))
struct ReadaheadBudgetTests {
    /// A flag one task raises and another reads.
    final class Flag: Sendable {
        private let state = Mutex(false)
        func raise() { state.withLock { $0 = true } }
        var raised: Bool { state.withLock { $0 } }
    }

    /// A take in a task of its own, which notes when it is over.
    struct Take {
        let task: Task<Int, any Error>
        private let over = Flag()

        init(_ count: Int, from budget: ReadaheadBudget) {
            let over = over
            task = Task {
                defer { over.raise() }
                return try await budget.take(count)
            }
        }

        /// Whether the take is still waiting after a moment.
        func waits() async throws -> Bool {
            try await Task.sleep(for: .milliseconds(50))
            return !over.raised
        }
    }

    @Test("what fits is taken at once, and given back")
    func takeAndGive() async throws {
        let budget = ReadaheadBudget(capacity: 10)
        #expect(try await budget.take(4) == 4)
        #expect(try await budget.take(6) == 6)
        #expect(budget.available == 0)
        budget.give(4)
        #expect(budget.available == 4)
        budget.give(6)
        #expect(budget.available == 10)
    }

    @Test("more than the whole budget takes the whole budget")
    func clamped() async throws {
        let budget = ReadaheadBudget(capacity: 10)
        #expect(try await budget.take(50) == 10)
        #expect(budget.available == 0)
    }

    /// A budget of 10 with `taken` taken, a take of `large` waiting, and one of `small` waiting behind it.
    static func queue(taken: Int, large: Int, small: Int) async throws -> (ReadaheadBudget, Take, Take) {
        let budget = ReadaheadBudget(capacity: 10)
        _ = try await budget.take(taken)
        let first = Take(large, from: budget)
        #expect(try await first.waits())
        let second = Take(small, from: budget)
        #expect(try await second.waits())
        return (budget, first, second)
    }

    @Test("a take that does not fit waits for what is given back, and a later small one waits behind it")
    func inTurn() async throws {
        // Two would fit, but the large one asked first.
        let (budget, large, small) = try await Self.queue(taken: 8, large: 5, small: 2)
        budget.give(8)
        #expect(try await large.task.value == 5)
        #expect(try await small.task.value == 2)
        #expect(budget.available == 3)
    }

    @Test("a waiting take that is cancelled takes nothing, and the one behind it goes on")
    func cancelled() async throws {
        let (budget, large, small) = try await Self.queue(taken: 7, large: 5, small: 3)
        large.task.cancel()
        await #expect(throws: CancellationError.self) { try await large.task.value }
        #expect(try await small.task.value == 3)
        #expect(budget.available == 0)
    }

    @Test("streams sharing a budget: one holding it all stops the other's reading until it asks for its next batch")
    func sharedByReadaheads() async throws {
        let budget = ReadaheadBudget(capacity: 6)
        let first = ReportReadahead(capacity: 100, budget: budget)
        let second = ReportReadahead(capacity: 100, budget: budget)
        let reports = ReportReadaheadTests.reports(1...3, statuses: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await first.read(reports.throwingStream) }
            try await Task.sleep(for: .milliseconds(50))
            // Two reports of three statuses took the budget; the third waits.
            #expect(budget.available == 0)
            group.addTask { await second.read(reports.throwingStream) }
            let batch = try #require(try await first.takeAll())
            #expect(batch.map(\.sequence) == [1, 2])
            // The batch is being recorded: still counted.
            try await Task.sleep(for: .milliseconds(50))
            #expect(budget.available == 0)
            var firstTaken = batch.map(\.sequence)
            while let next = try await first.takeAll() { firstTaken += next.map(\.sequence) }
            #expect(firstTaken == [1, 2, 3])
            var secondTaken: [UInt64] = []
            while let next = try await second.takeAll() { secondTaken += next.map(\.sequence) }
            #expect(secondTaken == [1, 2, 3])
            try await group.waitForAll()
        }
        // Readaheads that ended gave everything back.
        #expect(budget.available == 6)
    }
}
