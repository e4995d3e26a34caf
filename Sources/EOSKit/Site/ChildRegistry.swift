public import EOSModel
public import Foundation
internal import GRDB
internal import Synchronization

/// The children of one parent (an LO's Edge Nodes; the CO's sites and directly attached nodes): who registered,
/// what each said about itself, when each was last heard from, and the last status report taken from each.
///
/// Reads are answered from memory; every write is a transaction on disk before the call returns, in the registry's
/// own SQLite file (``fileName``, write-ahead log) in the folder it is opened in, or only in memory when it is given
/// none (tests, `eosd dev`). So after a parent restart a status report a child replays is recognised by its sequence,
/// and a child's liveness is judged from when it was last seen.
///
/// Contact alone (a heartbeat that keeps the child's interval, a telemetry batch, a replayed report) is the one
/// exception: it is written when the contact time on disk is ``missedHeartbeats`` − 1 of the child's intervals old
/// (one at least), and otherwise kept in memory. A busy parent, whose children each heartbeat and send telemetry,
/// then writes a fraction of what it hears; after a restart it may judge a child silent for up to that much longer
/// than it was, which is still short of the silence that makes a child `Unknown`.
///
/// Liveness follows ``LivenessPolicy``: `Ready` while heard from, `Unknown` since the last contact after
/// ``missedHeartbeats`` intervals of silence (each child judged against the interval it was last asked for),
/// `Offline` after ``offlineAfter``. The registry keeps no timer: its owner calls ``refreshLiveness(at:)`` on its
/// own schedule to learn (and announce on ``events()``) which children fell silent.
public final class ChildRegistry: Sendable {
    /// The file name inside the parent's data folder.
    public static let fileName = "registry.sqlite"

    /// The registry's file, or `:memory:` when it is kept in memory.
    public let path: String
    /// The heartbeat interval asked of children while they are few. Default: 5 seconds.
    public let baseHeartbeatInterval: Duration
    /// The most heartbeats a second the parent wants from all its children together; the interval grows beyond
    /// ``baseHeartbeatInterval`` to keep under it. Default: 100. Zero or less: no limit.
    public let maximumHeartbeatsPerSecond: Double
    /// How many intervals a child may stay silent before it is `Unknown`. Default: 3.
    public let missedHeartbeats: Int
    /// How long a child may stay silent before it is `Offline`. Default: 5 minutes.
    public let offlineAfter: Duration

    private let database: any DatabaseWriter
    private let state: Mutex<State>
    private let now: @Sendable () -> Timestamp
    /// The changes to known children that callers make at the same moments (a report taken from each node of a
    /// wave, a node's acknowledged apply), gathered into the writer's next transaction.
    private let changes = GroupCommit<Change, Changed?>()

    /// A change to one known child, made in the writer's turn: `change` alters the record and answers whether it
    /// took (a report's sequence was new), `persist` writes what it altered.
    private struct Change: Sendable {
        var key: Key
        /// Whether `persist` writes the child's contact time.
        var contact: Bool
        var persist: @Sendable (RegisteredChild, Database) throws -> Void
        var change: @Sendable (inout RegisteredChild, Timestamp) -> Bool
    }

    /// A child as a ``Change`` left it, and whether the change took.
    private struct Changed: Sendable {
        var child: RegisteredChild
        var took: Bool
    }

    private struct Key: Hashable, Sendable {
        var kind: ChildKind
        var id: String
    }

    private struct State {
        var children: [Key: RegisteredChild]
        /// The liveness last announced for each child, so a change is announced once.
        var announced: [Key: NodeLiveness]
        /// Each child's contact time as the file has it.
        var written: [Key: Timestamp]
        var subscribers: [Int: AsyncStream<ChildRegistryEvent>.Continuation] = [:]
        var nextSubscriber = 0
    }

    /// Opens (creating if needed) the registry in `directory`, or a registry in memory when `directory` is `nil`.
    ///
    /// - Parameters:
    ///   - baseHeartbeatInterval: the interval asked of children while they are few.
    ///   - maximumHeartbeatsPerSecond: the most heartbeats a second wanted from all children together.
    ///   - missedHeartbeats: how many silent intervals make a child `Unknown`.
    ///   - offlineAfter: how long a silence makes a child `Offline`.
    ///   - now: the wall clock that stamps ``RegisteredChild/lastSeen``; tests pass their own.
    public init(
        directory: URL? = nil, baseHeartbeatInterval: Duration = .seconds(5),
        maximumHeartbeatsPerSecond: Double = 100, missedHeartbeats: Int = 3, offlineAfter: Duration = .seconds(300),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now }
    ) throws(ChildRegistryError) {
        let path = directory.map { $0.appendingPathComponent(Self.fileName).path } ?? ":memory:"
        let database: any DatabaseWriter
        let children: [Key: RegisteredChild]
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            if let directory {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                database = try DatabasePool(path: path, configuration: configuration)
            } else {
                database = try DatabaseQueue(configuration: configuration)
            }
            try Self.migrator.migrate(database)
            children = try database.read(Self.loadChildren)
        } catch let error as ChildRegistryError {
            throw ChildRegistryError(
                path: path, message: "cannot open the child registry \(path): \(error.message)",
                cause: error.cause.map(StoredCause.init))
        } catch {
            throw ChildRegistryError(path: path, message: "cannot open the child registry \(path)", cause: error)
        }
        self.path = path
        self.database = database
        self.baseHeartbeatInterval = baseHeartbeatInterval
        self.maximumHeartbeatsPerSecond = maximumHeartbeatsPerSecond
        self.missedHeartbeats = missedHeartbeats
        self.offlineAfter = offlineAfter
        self.now = now
        // A child is judged from when it was really last seen, not from when the parent came back.
        let policy = { (child: RegisteredChild) in
            LivenessPolicy(
                heartbeatInterval: child.heartbeatInterval, missedHeartbeats: missedHeartbeats,
                offlineAfter: offlineAfter)
        }
        let openedAt = now()
        let announced = children.mapValues { policy($0).evaluate(lastSeen: $0.lastSeen, now: openedAt).liveness }
        state = Mutex(State(children: children, announced: announced, written: children.mapValues(\.lastSeen)))
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Times are Date's own seconds since 2001 as REAL, which round-trips exactly; maps are sorted JSON.
            try db.execute(
                sql: """
                    CREATE TABLE children (
                        kind TEXT NOT NULL, id TEXT NOT NULL,
                        labels TEXT NOT NULL, capabilities TEXT, endpoint TEXT, applied TEXT NOT NULL,
                        registered_at REAL NOT NULL, last_seen REAL NOT NULL,
                        heartbeat_interval_ns INTEGER NOT NULL, last_sequence INTEGER NOT NULL,
                        PRIMARY KEY (kind, id)) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    // MARK: Writes

    /// Records a child's registration: a new child is added, a known one has what it says about itself replaced.
    /// Its ``RegisteredChild/lastSeen`` and ``RegisteredChild/registeredAt`` become now, and it is asked for the
    /// current ``heartbeatInterval`` (counting it).
    ///
    /// Its ``RegisteredChild/lastSequence`` is kept, so reports it resends after a reconnect are recognised, except
    /// when it registers holding no deployment at all: that is a child whose store was wiped (a reinstalled host),
    /// and its outbox numbers its reports from 1 again; keeping the old sequence would silently drop everything it
    /// reports until it caught up. The sequence starts afresh; the price is that a child that really holds nothing
    /// and resends reports it was never acknowledged has those passed on twice, which a sink keeping the latest
    /// status per node and deployment does not notice.
    ///
    /// Announces ``ChildRegistryEvent/registered(_:)`` or ``ChildRegistryEvent/reregistered(_:)``.
    @discardableResult
    public func register(_ registration: ChildRegistration) throws(ChildRegistryError) -> RegisteredChild {
        let key = Key(kind: registration.kind, id: registration.id)
        return try write("register \(registration.kind) \(registration.id)") { db in
            let (previous, count) = state.withLock { ($0.children[key], $0.children.count) }
            let time = now()
            let child = RegisteredChild(
                kind: registration.kind, id: registration.id, labels: registration.labels,
                capabilities: registration.capabilities,
                endpoint: registration.endpoint,
                appliedGenerations: registration.appliedGenerations, registeredAt: time, lastSeen: time,
                heartbeatInterval: heartbeatInterval(forChildren: previous == nil ? count + 1 : count),
                lastSequence: registration.appliedGenerations.isEmpty ? 0 : previous?.lastSequence ?? 0)
            try Self.save(child, db)
            return child
        } commit: { child, state in
            var events: [ChildRegistryEvent] = []
            let isNew = state.children.updateValue(child, forKey: key) == nil
            state.written[key] = child.lastSeen
            events.append(isNew ? .registered(child) : .reregistered(child))
            events += Self.heard(key, child, &state, announce: !isNew)
            return events
        }
    }

    /// Notes a heartbeat from a child: its ``RegisteredChild/lastSeen`` becomes now and it is asked for the current
    /// ``heartbeatInterval``. Returns the updated record, or `nil` when the registry does not know the child (it must
    /// register again).
    public func heartbeat(kind: ChildKind, id: String) throws(ChildRegistryError) -> RegisteredChild? {
        let interval = heartbeatInterval
        if let child = noteContact(Key(kind: kind, id: id), keeping: interval) { return child }
        return try update(kind, id, "record a heartbeat of", persist: Self.saveHeartbeat) { child, time in
            child.lastSeen = time
            child.heartbeatInterval = interval
        }
    }

    /// Notes that a child was heard from (a sync, a report): its ``RegisteredChild/lastSeen`` becomes now. Returns
    /// the updated record, or `nil` for a child the registry does not know.
    @discardableResult
    public func touch(kind: ChildKind, id: String) throws(ChildRegistryError) -> RegisteredChild? {
        if let child = noteContact(Key(kind: kind, id: id)) { return child }
        return try update(kind, id, "record contact with", persist: Self.saveContact) { child, time in
            child.lastSeen = time
        }
    }

    /// Notes contact with a known child in memory alone, when the contact time on disk is recent enough and the
    /// child keeps its heartbeat interval (`interval`, when given); answers the updated record, or `nil` when the
    /// contact must be written.
    private func noteContact(_ key: Key, keeping interval: Duration? = nil) -> RegisteredChild? {
        let time = now()
        let (child, events) = state.withLock { state -> (RegisteredChild?, [ChildRegistryEvent]) in
            guard var child = state.children[key], let written = state.written[key],
                interval == nil || interval == child.heartbeatInterval
            else { return (nil, []) }
            let window = child.heartbeatInterval * max(1, missedHeartbeats - 1)
            let since = Duration.milliseconds(Int64((time.date.timeIntervalSince(written.date) * 1000).rounded()))
            guard since < window else { return (nil, []) }
            child.lastSeen = max(child.lastSeen, time)
            state.children[key] = child
            return (child, Self.heard(key, child, &state, announce: true))
        }
        publish(events)
        return child
    }

    /// Takes status report `sequence` from a child if it is new: above the child's ``RegisteredChild/lastSequence``.
    /// A new sequence becomes the child's last, on disk before this returns, so the report is recognised if it is
    /// replayed, even after a parent restart; the child was heard from, as with ``touch(kind:id:)``, in the same
    /// write. Returns whether it was new; `false` too for an unknown child.
    ///
    /// Reports taken from many children at once (a wave of nodes installing) share one transaction.
    ///
    /// A sequence may skip numbers (a child whose outbox overflowed dropped reports); it is still new.
    public func admit(sequence: UInt64, from kind: ChildKind, id: String) async throws(ChildRegistryError) -> Bool {
        guard isNew(sequence: sequence, from: kind, id: id) else { return false }
        let changed = try await change(kind, id, "record report \(sequence) of", persist: Self.saveContact) {
            child, time in
            child.lastSeen = time
            // Checked again in the writer's turn: another stream from the same child may have taken it meanwhile.
            guard sequence > child.lastSequence else { return false }
            child.lastSequence = sequence
            return true
        }
        return changed?.took ?? false
    }

    /// Records the generations a child holds, as the owner learns them (an apply the child accepted) or the child
    /// tells them (a sync). Returns the updated record, or `nil` for a child the registry does not know.
    @discardableResult
    public func updateAppliedGenerations(
        _ generations: [String: Int64], kind: ChildKind, id: String
    ) throws(ChildRegistryError) -> RegisteredChild? {
        try update(kind, id, "record the applied generations of", contact: false, persist: Self.saveApplied) {
            child, _ in
            child.appliedGenerations = generations
        }
    }

    /// Records the generation a child holds of one deployment (`nil`: it holds none any more), leaving the others
    /// as they are. Returns the updated record, or `nil` for a child the registry does not know.
    ///
    /// What the owner's calls learn at the same time (a wave of nodes taking their change) shares one transaction.
    @discardableResult
    public func updateAppliedGeneration(
        _ generation: Int64?, of deployment: String, kind: ChildKind, id: String
    ) async throws(ChildRegistryError) -> RegisteredChild? {
        try await change(
            kind, id, "record the applied generation of \(deployment) on", contact: false, persist: Self.saveApplied
        ) { child, _ in
            child.appliedGenerations[deployment] = generation
            return true
        }?.child
    }

    /// Removes a child (a decommissioned node). Its next call is answered as from an unknown child, so it registers
    /// again if it is still alive. Returns the record removed, or `nil` when there was none.
    ///
    /// Announces ``ChildRegistryEvent/forgotten(_:)``.
    @discardableResult
    public func forget(kind: ChildKind, id: String) throws(ChildRegistryError) -> RegisteredChild? {
        let key = Key(kind: kind, id: id)
        return try write("forget \(kind) \(id)") { db -> RegisteredChild? in
            guard let child = state.withLock({ $0.children[key] }) else { return nil }
            try db.execute(sql: "DELETE FROM children WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
            return child
        } commit: { child, state in
            guard let child else { return [] }
            state.children[key] = nil
            state.announced[key] = nil
            state.written[key] = nil
            return [.forgotten(child)]
        }
    }

    // MARK: Reads

    /// The record of one child, or `nil`.
    public func child(kind: ChildKind, id: String) -> RegisteredChild? {
        state.withLock { $0.children[Key(kind: kind, id: id)] }
    }

    /// Every child, or every child of one kind, sorted by kind then id.
    public func children(of kind: ChildKind? = nil) -> [RegisteredChild] {
        // Sorting the small keys, not the records, keeps this cheap for a site of hundreds of nodes.
        let selected = state.withLock { state in state.children.filter { kind == nil || $0.key.kind == kind } }
        return selected.keys.sorted { ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) }.compactMap {
            selected[$0]
        }
    }

    /// How many children the registry holds.
    public var count: Int { state.withLock { $0.children.count } }

    /// Whether `sequence` is above the last status report sequence taken from the child; `false` for an unknown
    /// child.
    public func isNew(sequence: UInt64, from kind: ChildKind, id: String) -> Bool {
        guard let child = child(kind: kind, id: id) else { return false }
        return sequence > child.lastSequence
    }

    // MARK: Liveness

    /// The policy a child's liveness is judged by: the interval it was last asked for, with this registry's
    /// ``missedHeartbeats`` and ``offlineAfter``.
    public func livenessPolicy(for child: RegisteredChild) -> LivenessPolicy {
        LivenessPolicy(
            heartbeatInterval: child.heartbeatInterval, missedHeartbeats: missedHeartbeats, offlineAfter: offlineAfter)
    }

    /// A child's liveness as of `now`.
    public func liveness(of child: RegisteredChild, at now: Timestamp) -> LivenessStatus {
        livenessPolicy(for: child).evaluate(lastSeen: child.lastSeen, now: now)
    }

    /// The liveness of one child as of `now`, or `nil` for a child the registry does not know.
    public func liveness(kind: ChildKind, id: String, at now: Timestamp) -> LivenessStatus? {
        child(kind: kind, id: id).map { liveness(of: $0, at: now) }
    }

    /// Judges every child's liveness as of `now`, announces on ``events()`` each whose liveness changed since it was
    /// last announced, and returns those changes. The owner calls this on its own schedule (every heartbeat
    /// interval or so); a child heard from again is announced `Ready` at once, without waiting for it.
    @discardableResult
    public func refreshLiveness(at now: Timestamp) -> [ChildRegistryEvent] {
        let events = state.withLock { state in
            var events: [ChildRegistryEvent] = []
            // By position, so each record is read where it lies: a site's reconciler refreshes every pass.
            for index in state.children.indices {
                let key = state.children.keys[index]
                let status = LivenessPolicy(
                    heartbeatInterval: state.children.values[index].heartbeatInterval,
                    missedHeartbeats: missedHeartbeats, offlineAfter: offlineAfter
                ).evaluate(lastSeen: state.children.values[index].lastSeen, now: now)
                if state.announced[key] != status.liveness {
                    state.announced[key] = status.liveness
                    events.append(.livenessChanged(state.children.values[index], status))
                }
            }
            return events.sorted { ($0.child.kind.rawValue, $0.child.id) < ($1.child.kind.rawValue, $1.child.id) }
        }
        publish(events)
        return events
    }

    // MARK: Heartbeat interval

    /// The heartbeat interval to ask of children now: ``baseHeartbeatInterval``, lengthened as children grow in
    /// number so that together they send at most ``maximumHeartbeatsPerSecond``.
    public var heartbeatInterval: Duration { heartbeatInterval(forChildren: count) }

    /// The heartbeat interval to ask of each of `count` children: ``baseHeartbeatInterval``, or `count /
    /// maximumHeartbeatsPerSecond` seconds (rounded up to the millisecond) when that is longer.
    public func heartbeatInterval(forChildren count: Int) -> Duration {
        guard maximumHeartbeatsPerSecond > 0, count > 0 else { return baseHeartbeatInterval }
        let milliseconds = (Double(count) / maximumHeartbeatsPerSecond * 1000).rounded(.up)
        return max(baseHeartbeatInterval, .milliseconds(Int64(min(milliseconds, Double(Int64.max / 2)))))
    }

    // MARK: Events

    /// The registry's changes from now on, in the order they happened: registrations, re-registrations, liveness
    /// changes and removals. Each call returns a new stream; it ends when the caller stops iterating.
    ///
    /// A stream holds at most `bufferLimit` events its reader has not taken, dropping the oldest beyond it: the
    /// registry itself stays the truth, and a reader that fell behind reads it.
    public func events(bufferLimit: Int = 1024) -> AsyncStream<ChildRegistryEvent> {
        let (stream, continuation) = AsyncStream<ChildRegistryEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(bufferLimit))
        let subscriber = state.withLock { state in
            let subscriber = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[subscriber] = continuation
            return subscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: subscriber) }
        }
        return stream
    }

    // MARK: Access

    /// Changes a known child in the writer's turn; `nil` when the registry does not know it. `contact`: whether
    /// `persist` writes the child's contact time.
    private func update(
        _ kind: ChildKind, _ id: String, _ what: String, contact: Bool = true,
        persist: (RegisteredChild, Database) throws -> Void = ChildRegistry.save,
        _ change: (inout RegisteredChild, Timestamp) -> Void
    ) throws(ChildRegistryError) -> RegisteredChild? {
        let key = Key(kind: kind, id: id)
        return try write("\(what) \(kind) \(id)") { db -> RegisteredChild? in
            guard var child = state.withLock({ $0.children[key] }) else { return nil }
            change(&child, now())
            try persist(child, db)
            return child
        } commit: { child, state in
            guard let child else { return [] }
            return Self.keep(child, key, contact: contact, &state)
        }
    }

    /// Changes a known child as ``update(_:_:_:contact:persist:_:)`` does, in a transaction it shares with the
    /// changes other callers make meanwhile; `nil` when the registry does not know the child.
    private func change(
        _ kind: ChildKind, _ id: String, _ what: String, contact: Bool = true,
        persist: @escaping @Sendable (RegisteredChild, Database) throws -> Void,
        _ change: @escaping @Sendable (inout RegisteredChild, Timestamp) -> Bool
    ) async throws(ChildRegistryError) -> Changed? {
        let request = Change(key: Key(kind: kind, id: id), contact: contact, persist: persist, change: change)
        do {
            return try await changes.submit(request, to: database) { db, batch in try self.commit(batch, db) }
        } catch {
            throw ChildRegistryError(
                path: path, message: "cannot \(what) \(kind) \(id) in the child registry \(path)", cause: error)
        }
    }

    /// Makes `batch` in one transaction, in its order (a change sees the ones before it), then, in the same turn of
    /// the writer, in memory; answers what each change left, `nil` for a child the registry does not know.
    private func commit(_ batch: [Change], _ db: Database) throws -> [Changed?] {
        let time = now()
        let outcomes = try db.committing { db in
            var changed: [Key: RegisteredChild] = [:]
            return try batch.map { change -> Changed? in
                guard var child = changed[change.key] ?? state.withLock({ $0.children[change.key] }) else { return nil }
                let took = change.change(&child, time)
                try change.persist(child, db)
                changed[change.key] = child
                return Changed(child: child, took: took)
            }
        }
        publish(
            state.withLock { state in
                var events: [ChildRegistryEvent] = []
                for (change, outcome) in zip(batch, outcomes) {
                    guard let child = outcome?.child else { continue }
                    events += Self.keep(child, change.key, contact: change.contact, &state)
                }
                return events
            })
        return outcomes
    }

    /// Puts a child whose change was committed in memory (`contact`: the change wrote its contact time), keeping
    /// contact noted in memory meanwhile; answers what to announce.
    private static func keep(
        _ child: RegisteredChild, _ key: Key, contact: Bool, _ state: inout State
    ) -> [ChildRegistryEvent] {
        var child = child
        if contact { state.written[key] = child.lastSeen }
        child.lastSeen = max(child.lastSeen, state.children[key]?.lastSeen ?? child.lastSeen)
        state.children[key] = child
        return heard(key, child, &state, announce: true)
    }

    /// A child was heard from: it is `Ready`, announced when it was announced otherwise before.
    private static func heard(
        _ key: Key, _ child: RegisteredChild, _ state: inout State, announce: Bool
    ) -> [ChildRegistryEvent] {
        let previous = state.announced.updateValue(.ready, forKey: key)
        guard announce, previous != nil, previous != .ready else { return [] }
        return [.livenessChanged(child, LivenessStatus(liveness: .ready, lastSeen: child.lastSeen))]
    }

    /// Runs `body` as one transaction in the writer's turn; once it is committed, and still in the writer's turn
    /// so memory changes in the order the file does, applies `commit` to the state and announces its events.
    private func write<Value>(
        _ what: String, _ body: (Database) throws -> Value,
        commit: (Value, inout State) -> [ChildRegistryEvent]
    ) throws(ChildRegistryError) -> Value {
        do {
            return try database.writeThen(body) { result in publish(state.withLock { commit(result, &$0) }) }
        } catch {
            throw ChildRegistryError(path: path, message: "cannot \(what) in the child registry \(path)", cause: error)
        }
    }

    private func publish(_ events: [ChildRegistryEvent]) {
        guard !events.isEmpty else { return }
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers {
            for event in events { subscriber.yield(event) }
        }
    }

    // MARK: Rows

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static func save(_ child: RegisteredChild, _ db: Database) throws {
        let capabilities = try child.capabilities.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO children (kind, id, labels, capabilities, endpoint, applied, registered_at,
                    last_seen, heartbeat_interval_ns, last_sequence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                child.kind.rawValue, child.id, String(decoding: try encoder.encode(child.labels), as: UTF8.self),
                capabilities, child.endpoint,
                String(decoding: try encoder.encode(child.appliedGenerations), as: UTF8.self),
                child.registeredAt.date.timeIntervalSinceReferenceDate,
                child.lastSeen.date.timeIntervalSinceReferenceDate,
                child.heartbeatInterval.wholeNanoseconds, Int64(bitPattern: child.lastSequence),
            ])
    }

    /// Saves only what contact changes, `last_seen` and `last_sequence`: a heartbeat or a status report, many a
    /// second at a busy parent, need not rewrite the child's labels and capabilities.
    private static func saveContact(_ child: RegisteredChild, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE children SET last_seen = ?, last_sequence = ? WHERE kind = ? AND id = ?")
            .execute(arguments: [
                child.lastSeen.date.timeIntervalSinceReferenceDate, Int64(bitPattern: child.lastSequence),
                child.kind.rawValue, child.id,
            ])
    }

    /// Saves only the generations a child holds, `applied`: after every apply a parent makes, so the rest of the
    /// row is not written again.
    private static func saveApplied(_ child: RegisteredChild, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE children SET applied = ? WHERE kind = ? AND id = ?")
            .execute(arguments: [
                String(decoding: try encoder.encode(child.appliedGenerations), as: UTF8.self), child.kind.rawValue,
                child.id,
            ])
    }

    /// Saves what a heartbeat changes: `last_seen` and the interval the child was asked for.
    private static func saveHeartbeat(_ child: RegisteredChild, _ db: Database) throws {
        try db.cachedStatement(
            sql: "UPDATE children SET last_seen = ?, heartbeat_interval_ns = ? WHERE kind = ? AND id = ?"
        )
        .execute(arguments: [
            child.lastSeen.date.timeIntervalSinceReferenceDate,
            child.heartbeatInterval.wholeNanoseconds, child.kind.rawValue, child.id,
        ])
    }

    private static func loadChildren(_ db: Database) throws -> [Key: RegisteredChild] {
        var children: [Key: RegisteredChild] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM children") {
            let kindName: String = row["kind"]
            let id: String = row["id"]
            guard let kind = ChildKind(rawValue: kindName) else {
                throw ChildRegistryError(
                    path: "", message: "the stored child \(id) has an unknown kind \"\(kindName)\"")
            }
            do {
                let decoder = JSONDecoder()
                let capabilities: String? = row["capabilities"]
                let child = RegisteredChild(
                    kind: kind, id: id,
                    labels: try decoder.decode([String: String].self, from: Data((row["labels"] as String).utf8)),
                    capabilities: try capabilities.map {
                        try decoder.decode(NodeCapabilities.self, from: Data($0.utf8))
                    },
                    endpoint: row["endpoint"],
                    appliedGenerations: try decoder.decode(
                        [String: Int64].self, from: Data((row["applied"] as String).utf8)),
                    registeredAt: Timestamp(Date(timeIntervalSinceReferenceDate: row["registered_at"])),
                    lastSeen: Timestamp(Date(timeIntervalSinceReferenceDate: row["last_seen"])),
                    heartbeatInterval: .nanoseconds(row["heartbeat_interval_ns"] as Int64),
                    lastSequence: UInt64(bitPattern: row["last_sequence"] as Int64))
                children[Key(kind: kind, id: id)] = child
            } catch {
                throw ChildRegistryError(
                    path: "", message: "the stored record of \(kind) \(id) is unreadable", cause: error)
            }
        }
        return children
    }
}

/// A cause already turned into words, carried from an inner error to the one the caller sees.
private struct StoredCause: Error, CustomStringConvertible {
    let description: String
}
