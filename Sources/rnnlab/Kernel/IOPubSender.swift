import Dispatch
import Foundation
import Synchronization

/// The one sender on the iopub socket: handlers on any thread hand it messages, its own
/// thread signs and sends them in the order given (a ZeroMQ socket is used by one thread only).
final class IOPubSender: Sendable {
    private enum Item: Sendable {
        case message(KernelMessage)
        case flush(DispatchSemaphore)
    }

    private let queue = Mutex<[Item]>([])
    private let ready = DispatchSemaphore(value: 0)
    let session: String

    /// Starts the sender's thread on `socket`, which nothing else may use from now on.
    init(socket: ZMQSocket, signer: MessageSigner, session: String) {
        self.session = session
        let thread = Thread { [self] in send(on: socket, signer: signer) }
        thread.name = "rnnlab iopub"
        thread.start()
    }

    /// The sender thread's loop: the next queued item, forever.
    private func send(on socket: ZMQSocket, signer: MessageSigner) -> Never {
        while true {
            ready.wait()
            guard let item = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            switch item {
            case let .message(message):
                do {
                    try socket.sendMultipart(Wire.frames(message, signer: signer))
                } catch {
                    KernelLog.write("iopub: \(error)")
                }
            case let .flush(done):
                done.signal()
            }
        }
    }

    /// Queues a message of `type` whose parent is `parent`.
    func publish(_ type: String, _ content: JSONValue, parent: KernelMessage?, metadata: JSONValue = [:]) {
        let message = KernelMessage.child(of: parent, type: type, content: content, session: session,
                                          identities: [Data("kernel.rnnlab.\(type)".utf8)], metadata: metadata)
        queue.withLock { $0.append(.message(message)) }
        ready.signal()
    }

    /// `status` busy or idle for `parent`.
    func status(_ state: String, parent: KernelMessage?) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }

    /// Returns once everything queued before it has been handed to ZeroMQ (or after `timeout`).
    func flush(timeout: Double = 2) {
        let done = DispatchSemaphore(value: 0)
        queue.withLock { $0.append(.flush(done)) }
        ready.signal()
        _ = done.wait(timeout: .now() + timeout)
    }
}

/// The kernel's own diagnostics (a bad signature, a socket error): standard error, which the
/// Jupyter server shows in its log.
enum KernelLog {
    static func write(_ line: String) {
        Console.write("rnnlab kernel: \(line)\n", to: .error)
    }
}
