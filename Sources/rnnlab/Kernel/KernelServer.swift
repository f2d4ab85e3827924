@preconcurrency import CZMQ
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The Jupyter kernel: five sockets, each used by one thread. The shell socket and the session
/// are the main thread's (cells run there, as in the REPL); control, heartbeat and the iopub
/// sender have a thread each, so interrupt and shutdown are served while a cell trains.
final class KernelServer {
    private let connection: ConnectionInfo
    private let signer: MessageSigner
    private let session: KernelSession
    private let shell: ZMQSocket
    private let iopub: IOPubSender
    /// Set by `shutdown_request`: the main loop ends the session and exits.
    private let shutdown = Atomic<Bool>(false)
    private let kernelSession = UUID().uuidString.lowercased()

    /// Binds the sockets, opens the store's session and starts the threads.
    init(connection: ConnectionInfo, storePath: String) throws {
        self.connection = connection
        signer = MessageSigner(key: connection.key)
        let context = try ZMQContext()
        shell = try context.socket(ZMQ_ROUTER, bindTo: connection.endpoint(port: connection.shellPort))
        let control = try context.socket(ZMQ_ROUTER, bindTo: connection.endpoint(port: connection.controlPort))
        let stdin = try context.socket(ZMQ_ROUTER, bindTo: connection.endpoint(port: connection.stdinPort))
        let heartbeat = try context.socket(ZMQ_REP, bindTo: connection.endpoint(port: connection.heartbeatPort))
        let iopubSocket = try context.socket(ZMQ_PUB, bindTo: connection.endpoint(port: connection.iopubPort))
        _ = stdin  // bound so clients can connect; rnnlab never asks for input
        session = try KernelSession(storePath: storePath)
        iopub = IOPubSender(socket: iopubSocket, signer: signer, session: kernelSession)
        Self.startHeartbeat(heartbeat)
        startControl(control)
    }

    /// Serves shell requests until a shutdown request (exit 0) or SIGTERM/SIGHUP (exit 128 +
    /// the signal, after the cell in progress stopped as Ctrl-C stops it); then ends the
    /// session and exits.
    func run() -> Never {
        iopub.status("starting", parent: nil)
        iopub.status("idle", parent: nil)
        while !shutdown.load(ordering: .acquiring) && Signals.termination == nil {
            guard shell.waitForInput(milliseconds: 100) else { continue }
            guard let message = receive(from: shell, name: "shell") else { continue }
            handleShell(message)
        }
        session.close()
        iopub.flush()
        usleep(200_000)  // lets ZeroMQ's I/O thread put the last iopub messages on the wire
        exit(Signals.termination.map { 128 + $0 } ?? 0)
    }

    /// One message from a socket, its signature checked; a bad one is logged and dropped.
    private func receive(from socket: ZMQSocket, name: String) -> KernelMessage? {
        do {
            return try Wire.parse(try socket.receiveMultipart(), signer: signer)
        } catch {
            KernelLog.write("\(name): ignored: \(error)")
            return nil
        }
    }

    private func send(_ reply: JSONValue, type: String, to request: KernelMessage, on socket: ZMQSocket) {
        let message = KernelMessage.child(of: request, type: type, content: reply, session: kernelSession)
        do {
            try socket.sendMultipart(Wire.frames(message, signer: signer))
        } catch {
            KernelLog.write("cannot reply \(type): \(error)")
        }
    }

    // MARK: Shell (main thread)

    private func handleShell(_ request: KernelMessage) {
        let reply: (type: String, content: JSONValue)
        iopub.status("busy", parent: request)
        defer { iopub.status("idle", parent: request) }
        switch request.type {
        case "kernel_info_request":
            reply = ("kernel_info_reply", Requests.kernelInfo)
        case "execute_request":
            Signals.clearInterrupt()
            let handler = ExecuteHandler(session: session, iopub: iopub, request: request)
            reply = ("execute_reply", handler.run(isCancelled: { Signals.isInterrupted }))
        case "complete_request":
            reply = ("complete_reply", Requests.complete(request.content, session: session))
        case "is_complete_request":
            reply = ("is_complete_reply", Requests.isComplete(request.content, session: session))
        case "inspect_request":
            reply = ("inspect_reply", Requests.inspect(request.content, session: session))
        case "history_request":
            reply = ("history_reply", Requests.history(request.content, session: session))
        case "comm_info_request":
            reply = ("comm_info_reply", Requests.commInfo)
        case "shutdown_request":
            reply = ("shutdown_reply", shutdownReply(request))
        case "connect_request":
            reply = ("connect_reply", [
                "shell_port": .int(connection.shellPort), "iopub_port": .int(connection.iopubPort),
                "stdin_port": .int(connection.stdinPort), "control_port": .int(connection.controlPort),
                "hb_port": .int(connection.heartbeatPort),
            ])
        case "comm_open", "comm_msg", "comm_close":
            return  // no comm targets: nothing to answer
        default:
            KernelLog.write("shell: no handler for '\(request.type)'")
            return
        }
        send(reply.content, type: reply.type, to: request, on: shell)
    }

    /// Marks the kernel to stop (a running `train` stops at its next chunk and rolls back).
    private func shutdownReply(_ request: KernelMessage) -> JSONValue {
        shutdown.store(true, ordering: .releasing)
        interruptRequested.store(true, ordering: .relaxed)
        return ["status": "ok", "restart": .bool(request.content["restart"]?.bool ?? false)]
    }

    // MARK: Control and heartbeat (their own threads)

    private func startControl(_ control: ZMQSocket) {
        let thread = Thread { [self] in
            while true {
                guard control.waitForInput(milliseconds: 500) else { continue }
                guard let request = receive(from: control, name: "control") else { continue }
                iopub.status("busy", parent: request)
                switch request.type {
                case "interrupt_request":
                    interruptRequested.store(true, ordering: .relaxed)
                    send(["status": "ok"], type: "interrupt_reply", to: request, on: control)
                case "shutdown_request":
                    send(shutdownReply(request), type: "shutdown_reply", to: request, on: control)
                case "kernel_info_request":
                    send(Requests.kernelInfo, type: "kernel_info_reply", to: request, on: control)
                default:
                    KernelLog.write("control: no handler for '\(request.type)'")
                }
                iopub.status("idle", parent: request)
            }
        }
        thread.name = "rnnlab control"
        thread.start()
    }

    /// Echoes every heartbeat message back (REP), on a thread of its own.
    private static func startHeartbeat(_ socket: ZMQSocket) {
        let thread = Thread {
            while true {
                do {
                    try socket.sendMultipart(try socket.receiveMultipart())
                } catch {
                    KernelLog.write("heartbeat: \(error)")
                    usleep(100_000)
                }
            }
        }
        thread.name = "rnnlab heartbeat"
        thread.start()
    }
}

extension KernelServer: @unchecked Sendable {}
