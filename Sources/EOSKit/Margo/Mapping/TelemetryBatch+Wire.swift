import EOSModel

// Upstream.ReportTelemetry's stream messages.

extension TelemetryBatch {
    /// Decodes a batch: a source and a sequence of 1 or more are required, and every point is checked.
    init(wire: Eos_Margo_V1_TelemetryBatch, at path: WirePath = "batch") throws(MargoError) {
        self = try path.decoding { path throws(MargoError) in
            guard wire.sequence >= 1 else {
                throw path.appending("sequence").invalid("required: a sequence is 1 or more")
            }
            return TelemetryBatch(
                sourceID: try path.appending("sourceId").requiredText(wire.sourceID),
                sequence: wire.sequence,
                droppedCount: wire.droppedCount,
                points: try path.each("points", wire.points) { (point, path) throws(MargoError) in
                    try MetricPoint(wire: point, at: path)
                })
        }
    }

    /// The batch as a wire message.
    var wire: Eos_Margo_V1_TelemetryBatch {
        var wire = Eos_Margo_V1_TelemetryBatch()
        wire.sourceID = sourceID
        wire.sequence = sequence
        wire.droppedCount = droppedCount
        wire.points = points.map(\.wire)
        return wire
    }
}

extension MetricPoint {
    /// Decodes a sample: a name, a time and a kind are required.
    init(wire: Eos_Margo_V1_MetricPoint, at path: WirePath) throws(MargoError) {
        let kind: Kind
        switch wire.kind {
        case .gauge: kind = .gauge
        case .counter: kind = .counter
        case .unspecified, .UNRECOGNIZED: throw path.appending("kind").unknownEnum(wire.kind.rawValue)
        }
        self.init(
            name: try path.appending("name").requiredText(wire.name), labels: wire.labels, value: wire.value,
            timestamp: try path.appending("timestamp").timestamp(wire.timestamp, present: wire.hasTimestamp),
            unit: wire.hasUnit ? wire.unit : nil, kind: kind)
    }

    /// The sample as a wire message.
    var wire: Eos_Margo_V1_MetricPoint {
        var wire = Eos_Margo_V1_MetricPoint()
        wire.name = name
        wire.labels = labels
        wire.value = value
        wire.timestamp = timestamp.wire
        if let unit { wire.unit = unit }
        switch kind {
        case .gauge: wire.kind = .gauge
        case .counter: wire.kind = .counter
        }
        return wire
    }
}
