public import EOSModel
public import Foundation
internal import SwiftProtobuf

extension NodeDeploymentStatus {
    /// The status as its `eos.margo.v1.NodeDeploymentStatus` message in protobuf's binary form: compact and quick
    /// to write, for stores that keep many statuses (the central's fleet registry keeps every node's latest).
    public func margoBinary() throws(MargoError) -> Data {
        do {
            return try wire.serializedData()
        } catch {
            throw MargoError(code: .invalidMessage, message: "a status of \(nodeID) cannot be encoded: \(error)")
        }
    }

    /// Reads a status written by ``margoBinary()``, checked as a status received on the wire is.
    public init(margoBinary data: Data) throws(MargoError) {
        let message: Eos_Margo_V1_NodeDeploymentStatus
        do {
            message = try Eos_Margo_V1_NodeDeploymentStatus(serializedBytes: data)
        } catch {
            throw MargoError(code: .invalidMessage, message: "a stored status is not a status message: \(error)")
        }
        try self.init(wire: message)
    }
}
