import EOSModel
import EOSTesting
import Foundation
import Testing

@testable import EOSTelemetry

@Suite("SeriesHistory: a series' samples, packed")
struct SeriesHistoryTests {
    /// A host series as an agent sends it: every 15 s give or take a few milliseconds, a counter of CPU seconds in
    /// hundredths that grows unevenly and sometimes stays put (about 7 bytes a sample packed, a worst case: memory in
    /// bytes, a whole number, packs smaller).
    static func hostSeries(_ count: Int, seed: UInt64 = 7) -> [MetricSeries.Sample] {
        var generator = SplitMix64(seed: seed)
        var seconds = 1_800_000_000.0
        var value = 12_345.678
        return (0..<count).map { _ in
            seconds += 15 + Double(Int.random(in: -40...40, using: &generator)) / 1000
            if Bool.random(using: &generator) { value += Double(Int.random(in: 0..<300, using: &generator)) / 100 }
            return MetricSeries.Sample(timestamp: Timestamp(Date(timeIntervalSince1970: seconds)), value: value)
        }
    }

    @Test("samples come back exactly: any value's bits, any times in order, before and after 2001")
    func exactRoundTrip() {
        var generator = SplitMix64(seed: 42)
        var seconds = -86_400.0 * 365 * 40
        var samples: [MetricSeries.Sample] = []
        let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, 1e-300]
        for index in 0..<500 {
            seconds += Double.random(in: 0.000_001...1e7, using: &generator)
            let value =
                index < specials.count
                ? specials[index] : Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            samples.append(
                MetricSeries.Sample(timestamp: Timestamp(Date(timeIntervalSince1970: seconds)), value: value))
        }
        var chunk = SampleChunk()
        for sample in samples { chunk.append(sample) }
        let decoded = chunk.samples()
        #expect(decoded.map(\.timestamp) == samples.map(\.timestamp))
        #expect(decoded.map(\.value.bitPattern) == samples.map(\.value.bitPattern))
    }

    @Test("an agent's host series takes less than half the 16 bytes a sample it took unpacked")
    func compact() {
        let samples = Self.hostSeries(SeriesHistory.chunkLength)
        var chunk = SampleChunk()
        for sample in samples { chunk.append(sample) }
        chunk.seal()
        #expect(chunk.samples() == samples)
        #expect(chunk.bytes.capacity - chunk.bytes.count < 32, "sealed, the chunk keeps no room to grow")
        let perSample = Double(chunk.bytes.count) / Double(samples.count)
        #expect(perSample < 8, "\(perSample) bytes a sample")
    }

    @Test("the history holds exactly its capacity, the latest samples, across chunks")
    func capacity() {
        let samples = Self.hostSeries(250)
        var history = SeriesHistory(kind: .counter, unit: nil, capacity: 100)
        for (index, sample) in samples.enumerated() {
            history.insert(sample)
            #expect(history.count == min(index + 1, 100))
            #expect(history.latest == sample)
        }
        #expect(history.samples == Array(samples.suffix(100)))
        #expect(history.samples(since: samples[200].timestamp) == Array(samples[200...]))
        #expect(history.samples(since: nil).count == 100)
    }

    @Test("a late sample lands in its place, a repeated moment replaces, one older than a full history is dropped")
    func lateSamples() {
        let samples = Self.hostSeries(130)
        var history = SeriesHistory(kind: .gauge, unit: "bytes", capacity: 128)
        for (index, sample) in samples.enumerated() where index != 70 { history.insert(sample) }
        #expect(history.count == 128)
        history.insert(samples[70])
        #expect(history.samples == Array(samples.suffix(128)), "the late one in place, the oldest gone")

        var replaced = samples[100]
        replaced.value = -1
        history.insert(replaced)
        #expect(history.samples[history.samples.firstIndex { $0.timestamp == replaced.timestamp }!].value == -1)
        #expect(history.count == 128)

        history.insert(samples[0])
        #expect(history.samples.first == samples[2], "older than everything in a full history: not kept")
        history.insert(samples[129])
        #expect(history.latest == samples[129])
        #expect(history.count == 128)
    }
}
