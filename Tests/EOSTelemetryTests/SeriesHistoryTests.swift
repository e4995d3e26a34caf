import EOSModel
import EOSTesting
import Foundation
import Testing

@testable import EOSTelemetry

@Suite("SeriesHistory: a series' samples, packed")
struct SeriesHistoryTests {
    /// A host series as an agent sends it: every 15 s give or take a few milliseconds, a counter of CPU seconds in
    /// hundredths that grows unevenly and sometimes stays put (about 5 bytes a sample packed, a worst case: memory in
    /// bytes, a whole number, packs smaller). Times are whole milliseconds, as the history keeps them.
    static func hostSeries(_ count: Int, seed: UInt64 = 7) -> [MetricSeries.Sample] {
        var generator = SplitMix64(seed: seed)
        var seconds = 1_800_000_000.0
        var value = 12_345.678
        return (0..<count).map { _ in
            seconds += 15 + Double(Int.random(in: -40...40, using: &generator)) / 1000
            if Bool.random(using: &generator) { value += Double(Int.random(in: 0..<300, using: &generator)) / 100 }
            let milliseconds = (seconds * 1000).rounded()
            return MetricSeries.Sample(
                timestamp: Timestamp(Date(timeIntervalSince1970: milliseconds / 1000)), value: value)
        }
    }

    @Test("samples come back with any value's bits exactly, any times in order to the millisecond, before 1970 too")
    func exactRoundTrip() {
        var generator = SplitMix64(seed: 42)
        var seconds = -86_400.0 * 365 * 40
        var samples: [MetricSeries.Sample] = []
        let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, 1e-300]
        for index in 0..<500 {
            seconds += Double.random(in: 0.001...1e7, using: &generator)
            let value =
                index < specials.count
                ? specials[index] : Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            samples.append(
                MetricSeries.Sample(timestamp: Timestamp(Date(timeIntervalSince1970: seconds)), value: value))
        }
        var history = SeriesHistory()
        for sample in samples { history.insert(sample, keeping: .max) }
        let decoded = history.samples
        let milliseconds = { (sample: MetricSeries.Sample) in
            (sample.timestamp.date.timeIntervalSince1970 * 1000).rounded()
        }
        #expect(decoded.map(milliseconds) == samples.map(milliseconds))
        #expect(decoded.map { SampleBlock.quantized($0).timestamp } == decoded.map(\.timestamp), "kept as read back")
        #expect(decoded.map(\.value.bitPattern) == samples.map(\.value.bitPattern))
        #expect(history.latest?.value.bitPattern == samples.last?.value.bitPattern)
    }

    @Test("an agent's host series takes less than half the 16 bytes a sample it took unpacked, room included")
    func compact() {
        let samples = Self.hostSeries(240)
        var history = SeriesHistory()
        for sample in samples { history.insert(sample, keeping: 240) }
        #expect(history.samples == samples)
        let perSample = Double(history.allocatedBytes) / Double(samples.count)
        #expect(perSample < 8, "\(perSample) bytes a sample")
    }

    @Test("the history holds exactly its capacity, the latest samples, across blocks, and at most a quarter more")
    func capacity() {
        let samples = Self.hostSeries(1000)
        var history = SeriesHistory()
        var largest = 0
        for (index, sample) in samples.enumerated() {
            history.insert(sample, keeping: 100)
            #expect(history.count == min(index + 1, 100))
            #expect(history.latest == sample)
            largest = max(largest, history.allocatedBytes)
        }
        #expect(history.samples == Array(samples.suffix(100)))
        #expect(history.samples(since: samples[900].timestamp) == Array(samples[900...]))
        #expect(history.samples(since: nil).count == 100)
        #expect(SeriesHistory.blockLength(for: 100) == 25)
        // 125 samples of about 7 bytes, and an eighth to grow in.
        #expect(largest < 125 * 8 + 125, "\(largest) bytes for 100 samples")
    }

    @Test("a history whose capacity falls lets its oldest samples go, and the room they took")
    func fallingCapacity() {
        let samples = Self.hostSeries(400)
        var history = SeriesHistory()
        for sample in samples[..<240] { history.insert(sample, keeping: 240) }
        let full = history.allocatedBytes
        for sample in samples[240...] { history.insert(sample, keeping: 20) }
        #expect(history.count == 20)
        #expect(history.samples == Array(samples.suffix(20)))
        #expect(history.allocatedBytes < full / 2, "\(history.allocatedBytes) of \(full) bytes kept")
    }

    @Test("a history takes 48 bytes besides its samples: a central holds 130,000 of them at 10,000 nodes")
    func footprint() {
        #expect(MemoryLayout<SeriesHistory>.stride == 48)
    }

    @Test("a late sample lands in its place, a repeated moment replaces, one older than a full history is dropped")
    func lateSamples() {
        let samples = Self.hostSeries(130)
        var history = SeriesHistory()
        for (index, sample) in samples.enumerated() where index != 70 { history.insert(sample, keeping: 128) }
        #expect(history.count == 128)
        history.insert(samples[70], keeping: 128)
        #expect(history.samples == Array(samples.suffix(128)), "the late one in place, the oldest gone")

        var replaced = samples[100]
        replaced.value = -1
        history.insert(replaced, keeping: 128)
        #expect(history.samples[history.samples.firstIndex { $0.timestamp == replaced.timestamp }!].value == -1)
        #expect(history.count == 128)

        history.insert(samples[0], keeping: 128)
        #expect(history.samples.first == samples[2], "older than everything in a full history: not kept")
        history.insert(samples[129], keeping: 128)
        #expect(history.latest == samples[129])
        #expect(history.count == 128)
    }
}
