#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ArgumentParser
import Foundation
import KeygateCore

/// `keygate redact`: a filter that masks secrets in a log on its way from standard input to
/// standard output. The work is `LogRedactor`'s; this reads, writes and reports.
struct RedactCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "redact",
    abstract: "Mask secrets in a log: copy standard input to standard output with every key replaced.",
    discussion: """
      Pipe a CI job's output through it so that no key reaches the job log or its artifacts:

        make deploy 2>&1 | keygate redact

      What is masked:
        - every secret the scan's rules find (the same matcher as `keygate scan`), written \
      as [REDACTED:<rule-id>];
        - the credential of an Authorization header, keeping the scheme word \
      (Authorization: Bearer [REDACTED]), as a header line, in curl's -H "…" and in JSON;
        - the value of anything named like a key, in NAME=value, NAME: value, \
      "name": "value" and --name value forms, where the name (any case; camelCase, - and . \
      read as _) ends in API_KEY, APIKEY, _TOKEN, _SECRET, SECRET_KEY, PASSWORD, PASSWD, \
      ACCESS_KEY, PRIVATE_KEY or CREDENTIALS; this includes the x-api-key, api-key and \
      x-goog-api-key headers. Such values are written as [REDACTED]. Empty values, references \
      (${VAR}, $VAR, $(…), {{…}}) and values already masked (***, [MASKED], [REDACTED]) are left \
      as they are;
        - the lines of a PEM private key block (-----BEGIN … PRIVATE KEY----- to -----END).
      No part of a secret is shown unless --keep-last4 is given; then values of 16 characters \
      or more end in … and their last four characters. Redacting output again changes nothing.

      Lines are written as soon as their newline arrives, so the log still streams. Lines \
      longer than 1 MiB are processed in chunks that overlap by 8 KiB, so memory stays \
      bounded with any input. Bytes outside the masks pass through unchanged: invalid UTF-8, \
      CRLF line endings, a last line without a newline.

      At the end, a count goes to standard error (keygate redact: masked N secrets in M lines) \
      unless --quiet is given; standard output carries only the log.

      Exit codes: 0 the input was copied (also when the reader closes the pipe early, as \
      `| head` does); 2 the rules could not be loaded, standard input could not be read, or \
      matching failed (the rest of the input is then not written).
      """)

  @OptionGroup var selection: RuleSelection

  @Flag(
    name: .customLong("keep-last4"),
    help: "Follow each mask of a value of 16 characters or more with … and its last four characters.")
  var keepLast4 = false

  @Flag(help: "Write no count to standard error at the end.")
  var quiet = false

  static let readSize = 64 * 1024

  func run() throws {
    // A reader that goes away (`| head -1`) must end keygate quietly, not kill it.
    signal(SIGPIPE, SIG_IGN)
    let redactor: LogRedactor
    do {
      let rules = try CompiledRules(selection.load(), cache: DatabaseCache.userDefault())
      redactor = try LogRedactor(rules: rules, options: LogRedactor.Options(keepLast4: keepLast4))
    } catch {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }

    var input = [UInt8](repeating: 0, count: Self.readSize)
    var output: [UInt8] = []
    output.reserveCapacity(2 * Self.readSize)
    var readFailure: String?
    while true {
      let count = input.withUnsafeMutableBytes { Self.readInput(into: $0) }
      if count == 0 { break }
      if count < 0 {
        readFailure = String(cString: strerror(errno))
        break
      }
      do {
        try input.withUnsafeBytes { try redactor.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &output) }
      } catch {
        Terminal.diagnose("cannot redact the input: \(error); the rest of it is not written")
        throw ExitStatus.couldNotRun
      }
      // Everything complete goes out before keygate waits for more input: the log streams.
      switch Self.writeOutput(&output) {
      case .written: continue
      case .closed: return
      case .failed(let message):
        Terminal.diagnose("cannot write standard output: \(message)")
        throw ExitStatus.couldNotRun
      }
    }
    do {
      try redactor.finish(into: &output)
    } catch {
      Terminal.diagnose("cannot redact the input: \(error); the rest of it is not written")
      throw ExitStatus.couldNotRun
    }
    switch Self.writeOutput(&output) {
    case .written: break
    case .closed: return
    case .failed(let message):
      Terminal.diagnose("cannot write standard output: \(message)")
      throw ExitStatus.couldNotRun
    }
    if let readFailure {
      Terminal.diagnose("cannot read standard input: \(readFailure)")
      throw ExitStatus.couldNotRun
    }
    if !quiet {
      let secrets = redactor.secretsMasked
      let lines = redactor.lines
      let text = "keygate redact: masked \(secrets) secret\(secrets == 1 ? "" : "s") in \(lines) line\(lines == 1 ? "" : "s")\n"
      FileHandle.standardError.write(Data(text.utf8))
    }
  }

  /// One `read` of standard input: the byte count, 0 at the end, -1 on an error (in `errno`).
  static func readInput(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    while true {
      let count = read(STDIN_FILENO, buffer.baseAddress, buffer.count)
      if count >= 0 { return count }
      switch errno {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK:
        // A non-blocking standard input: wait until it is readable.
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, -1)
      default: return -1
      }
    }
  }

  enum WriteOutcome {
    case written, closed
    case failed(String)
  }

  /// Writes all of `output` to standard output and empties it; `.closed` when the reader has
  /// gone (EPIPE).
  static func writeOutput(_ output: inout [UInt8]) -> WriteOutcome {
    defer { output.removeAll(keepingCapacity: true) }
    var offset = 0
    while offset < output.count {
      let written = output.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0 {
        switch errno {
        case EINTR: continue
        case EPIPE: return .closed
        case EAGAIN, EWOULDBLOCK:
          var descriptor = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
          _ = poll(&descriptor, 1, -1)
          continue
        default: return .failed(String(cString: strerror(errno)))
        }
      }
      offset += written
    }
    return .written
  }
}
