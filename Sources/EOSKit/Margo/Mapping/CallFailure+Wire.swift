internal import GRPCCore

extension Eos_Margo_V1_CallFailure {
    /// How a call on `Upstream.Attach` failed, as the `EdgeNode` service would answer `error` as the call's status.
    init(_ error: any Error) {
        let status: RPCError =
            switch error {
            case let error as MargoError: error.rpcError
            case let error as RPCError: error
            default: RPCError(code: .unknown, message: "\(error)")
            }
        self.init()
        code = Int32(status.code.rawValue)
        message = status.message
    }

    /// The status the failure stands for; a code gRPC does not know, or OK, is `UNKNOWN`.
    var rpcError: RPCError {
        let code = Status.Code(rawValue: Int(code)).flatMap { RPCError.Code($0) } ?? .unknown
        return RPCError(code: code, message: message)
    }
}
