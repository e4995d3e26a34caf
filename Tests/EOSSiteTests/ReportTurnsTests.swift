import EOSModel
import Synchronization
import Testing

@testable import EOSSite

@Suite("ReportTurns", .timeLimit(.minutes(1)))
struct ReportTurnsTests {
    /// What the turns' bodies did, in order, and a gate the first body waits at.
    final class Record: Sendable {
        private let state = Mutex((log: [String](), open: false))
        func note(_ entry: String) { state.withLock { $0.log.append(entry) } }
        var log: [String] { state.withLock { $0.log } }
        func open() { state.withLock { $0.open = true } }

        /// Waits until ``open()`` is called.
        func gate() async throws {
            while !state.withLock({ $0.open }) { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    static let node = ChildKey(kind: .node, id: "edge-01")

    /// A turn of `key` in a task of its own that notes `name` when its body runs, then, when `gated`, waits at the
    /// gate.
    static func turn(
        _ name: String, of key: ChildKey = node, in turns: ReportTurns, _ record: Record, gated: Bool = false
    ) -> Task<Void, any Error> {
        Task {
            try await turns.withTurn(key) {
                record.note(name)
                if gated { try await record.gate() }
            }
        }
    }

    /// Three turns of one node asked for in order, the first holding the turn at the gate, the others waiting.
    static func queue() async throws -> (ReportTurns, Record, [Task<Void, any Error>]) {
        let turns = ReportTurns()
        let record = Record()
        var tasks: [Task<Void, any Error>] = []
        for name in ["first", "second", "third"] {
            tasks.append(Self.turn(name, in: turns, record, gated: name == "first"))
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(record.log == ["first"])
        return (turns, record, tasks)
    }

    @Test("a child's turns run one at a time, in the order they were asked for")
    func inOrder() async throws {
        let (_, record, tasks) = try await Self.queue()
        record.open()
        for task in tasks { try await task.value }
        #expect(record.log == ["first", "second", "third"])
    }

    @Test("another child's turn does not wait")
    func otherChild() async throws {
        let turns = ReportTurns()
        let record = Record()
        let first = Self.turn("first", in: turns, record, gated: true)
        try await Task.sleep(for: .milliseconds(50))
        try await Self.turn("site", of: ChildKey(kind: .site, id: "edge-01"), in: turns, record).value
        #expect(record.log == ["first", "site"])
        record.open()
        try await first.value
    }

    @Test("a waiting turn that is cancelled leaves the line without running, and the one behind it goes on")
    func cancelled() async throws {
        let (turns, record, tasks) = try await Self.queue()
        tasks[1].cancel()
        // It ends while the first still holds the turn.
        await #expect(throws: CancellationError.self) { try await tasks[1].value }
        #expect(record.log == ["first"])
        record.open()
        try await tasks[0].value
        try await tasks[2].value
        #expect(record.log == ["first", "third"])
        // The turn is free again afterwards.
        try await Self.turn("fourth", in: turns, record).value
        #expect(record.log == ["first", "third", "fourth"])
    }
}
