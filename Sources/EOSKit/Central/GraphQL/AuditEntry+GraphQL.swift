internal import EOSModel

extension AuditEntry {
    var sequenceNumber: Int { Int(sequence) }
    var generationNumber: Int { Int(generation) }
}
