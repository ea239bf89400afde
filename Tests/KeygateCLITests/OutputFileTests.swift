import Foundation
import KeygateTestSupport
import Testing

/// `--output` replaces a regular file atomically but writes through anything else, so that
/// `-o /dev/null` or a symbolic link is never replaced by a regular file.
@Suite struct OutputFileTests {
  static func folderWithAKey() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-output-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try "KEY=\(TestKeys.openAIProject(seed: 81))\n".write(
      to: folder.appendingPathComponent("a.env"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test func aSymbolicLinkStaysALinkAndItsTargetGetsTheReport() throws {
    let folder = try Self.folderWithAKey()
    defer { try? FileManager.default.removeItem(at: folder) }
    let reports = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-reports-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: reports) }
    let target = reports.appendingPathComponent("report.json")
    try "old".write(to: target, atomically: true, encoding: .utf8)
    let link = reports.appendingPathComponent("latest.json")
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)

    let result = try KeygateBinary.run(["scan", folder.path, "-f", "json", "-o", link.path])
    #expect(result.status == 1)
    let attributes = try FileManager.default.attributesOfItem(atPath: link.path)
    #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
    let written = try String(contentsOf: target, encoding: .utf8)
    #expect(written.hasPrefix("{"))
    #expect(written.contains("\"openai-project-key\""))
  }

  @Test func aFIFOIsWrittenThroughNotReplaced() throws {
    let folder = try Self.folderWithAKey()
    defer { try? FileManager.default.removeItem(at: folder) }
    // Outside the scanned folder: the scan itself must not meet the FIFO.
    let pipes = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-pipes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: pipes, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: pipes) }
    let fifo = pipes.appendingPathComponent("report.pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // A reader on the other end, so that opening the FIFO for writing does not block.
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/bin/cat")
    reader.arguments = [fifo]
    // The reader writes to a file, not a pipe nobody drains while keygate runs: a report larger
    // than a pipe's buffer would block both.
    let copy = pipes.appendingPathComponent("received.json").path
    #expect(FileManager.default.createFile(atPath: copy, contents: nil))
    let output = try #require(FileHandle(forWritingAtPath: copy))
    reader.standardOutput = output
    try reader.run()
    let result = try KeygateBinary.run(["scan", folder.path, "-f", "json", "-o", fifo])
    reader.waitUntilExit()
    try output.close()
    let received = try String(contentsOfFile: copy, encoding: .utf8)
    #expect(result.status == 1)
    #expect(received.contains("\"openai-project-key\""))
    let attributes = try FileManager.default.attributesOfItem(atPath: fifo)
    #expect(attributes[.type] as? FileAttributeType != .typeRegular)
  }
}
