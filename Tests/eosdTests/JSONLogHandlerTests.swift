import EOSKit
import Foundation
import Logging
import Synchronization
import Testing

/// `--log-format json`: one JSON object a line, with the level, label, message, source and metadata.
@Suite("JSONLogHandler")
struct JSONLogHandlerTests {
    @Test(
        "each event is one JSON line carrying its level, label, source and merged metadata; lower levels are not written"
    )
    func lines() throws {
        let written = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "eos.site", level: .info) { line in written.withLock { $0.append(line) } }
        handler[metadataKey: "site"] = "store-0042"
        let logger = Logger(label: "eos.site") { _ in handler }
        logger.debug("not written")
        logger.warning(
            "a node \"went\" silent", metadata: ["node": "edge-01", "missed": .array(["1", "2"])], source: "EOSSite")
        let lines = written.withLock { $0 }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "eos.site")
        #expect(object["message"] as? String == "a node \"went\" silent")
        #expect(object["source"] as? String == "EOSSite")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["site"] as? String == "store-0042")
        #expect(metadata["node"] as? String == "edge-01")
        #expect(metadata["missed"] as? [String] == ["1", "2"])
        let time = try #require(object["time"] as? String)
        #expect(time.hasSuffix("Z") && time.contains("T"))
    }
}
