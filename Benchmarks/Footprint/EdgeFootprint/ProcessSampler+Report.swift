import DaemonMeasurement
import Foundation

extension ProcessSampler.Sample {
    func report(workloads: Int) -> String {
        let mebibytes = { (kib: Int) in String(format: "%.1f MiB", Double(kib) / 1024) }
        return """
            idle Edge Node with \(workloads) process workloads, over \(Int(seconds.rounded())) s:
              RSS   mean \(mebibytes(meanRSSKiB)), peak \(mebibytes(peakRSSKiB))
                    at the end: \(mebibytes(anonymousKiB)) anonymous (heap, stacks), \(mebibytes(fileKiB)) mapped files (code)
                    highest since it started: \(mebibytes(highWaterKiB))
              CPU   \(String(format: "%.3f", cpuSeconds)) s used = \(String(format: "%.3f", cpuPercent))% of one core
            """
    }
}
