import EOSModel
import Synchronization
import Testing

@Suite("ReadThroughCache")
struct ReadThroughCacheTests {
    @Test("a value is loaded once until it is invalidated, then loaded again")
    func loadsOncePerChange() {
        let cache = ReadThroughCache<[Int]>()
        let loads = Mutex(0)
        let load = {
            loads.withLock { $0 += 1 }
            return [loads.withLock { $0 }]
        }
        #expect(cache.value(load) == [1])
        #expect(cache.value(load) == [1])
        #expect(loads.withLock { $0 } == 1)
        cache.invalidate()
        #expect(cache.value(load) == [2])
        #expect(cache.value(load) == [2])
        #expect(loads.withLock { $0 } == 2)
    }

    @Test("a load that a change overtook is returned to its reader but not kept")
    func overtakenLoadNotKept() {
        let cache = ReadThroughCache<String>()
        // The store changes while the first reader is loading: what it read may predate the change.
        let first = cache.value { () -> String in
            cache.invalidate()
            return "before the change"
        }
        #expect(first == "before the change")
        #expect(cache.value { "after the change" } == "after the change")
        #expect(cache.value { "not loaded again" } == "after the change")
    }

    @Test("a failed load keeps nothing and throws")
    func failedLoad() {
        struct Unreadable: Error {}
        let cache = ReadThroughCache<Int>()
        #expect(throws: Unreadable.self) { try cache.value { () throws(Unreadable) -> Int in throw Unreadable() } }
        #expect(cache.value { 7 } == 7)
    }
}
