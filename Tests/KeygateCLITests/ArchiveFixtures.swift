import Foundation
import KeygateTestSupport

/// Builds real archives at test time with Python's standard library (zipfile, tarfile, gzip,
/// hashlib: writers independent of the libarchive keygate reads with), from a JSON spec:
///
///     {"kind": "zip", "members": {"app/config.py": "text", "inner.zip": {"kind": "zip", …}}}
///
/// Kinds: zip, tar, tgz, tbz2, txz, gz (`content`), deb (`members` go in data.tar.xz), and
/// images from `layers` (a list of member maps, each layer a tar): oci (a directory), docker
/// (a `docker save` tarball holding an OCI layout, Docker 25 and later), docker-legacy (`<id>/layer.tar`,
/// before Docker 25), podman (`podman save`: `<digest>.tar`).
/// Members are written in name order, since a JSON object has none.
enum ArchiveFixtures {
  static let builder = #"""
    import gzip, hashlib, io, json, os, sys, tarfile, zipfile

    def data(value):
        return build(value) if isinstance(value, dict) else value.encode("utf-8")

    def tar(members, mode="w"):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode=mode) as archive:
            for name, value in sorted(members.items()):
                content = data(value)
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = 0
                archive.addfile(info, io.BytesIO(content))
        return buffer.getvalue()

    def ar(members):
        out = b"!<arch>\n"
        for name, content in members:
            header = name.ljust(16) + "0".ljust(12) + "0".ljust(6) + "0".ljust(6) + "100644".ljust(8) + str(len(content)).ljust(10) + "`\n"
            out += header.encode() + content + (b"\n" if len(content) % 2 else b"")
        return out

    def image_files(layers):
        files, digests, diff_ids = {}, [], []
        for members in layers:
            layer = tar(members)
            compressed = gzip.compress(layer, mtime=0)
            digest = hashlib.sha256(compressed).hexdigest()
            files["blobs/sha256/" + digest] = compressed
            digests.append((digest, len(compressed)))
            diff_ids.append("sha256:" + hashlib.sha256(layer).hexdigest())
        config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
        config_digest = hashlib.sha256(config).hexdigest()
        files["blobs/sha256/" + config_digest] = config
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + config_digest, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + d, "size": s} for d, s in digests]}).encode()
        manifest_digest = hashlib.sha256(manifest).hexdigest()
        files["blobs/sha256/" + manifest_digest] = manifest
        files["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + manifest_digest, "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "demo:1"}}]}).encode()
        files["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
        files["manifest.json"] = json.dumps([{"Config": "blobs/sha256/" + config_digest, "RepoTags": ["demo:1"],
            "Layers": ["blobs/sha256/" + d for d, _ in digests]}]).encode()
        return files

    def build(spec):
        kind = spec["kind"]
        members = spec.get("members", {})
        if kind == "zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, value in sorted(members.items()):
                    archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data(value), zipfile.ZIP_DEFLATED)
            return buffer.getvalue()
        if kind in ("tar", "tgz", "tbz2", "txz"):
            return tar(members, {"tar": "w", "tgz": "w:gz", "tbz2": "w:bz2", "txz": "w:xz"}[kind])
        if kind == "gz":
            return gzip.compress(data(spec["content"]), mtime=0)
        if kind == "deb":
            control = tar({"./control": "Package: demo\nVersion: 1.0\n"}, "w:xz")
            return ar([("debian-binary", b"2.0\n"), ("control.tar.xz", control), ("data.tar.xz", tar(members, "w:xz"))])
        if kind == "docker":
            return tar_bytes(image_files(spec["layers"]))
        if kind == "docker-legacy":
            files, diff_ids, layer_paths = {}, [], []
            for number, members in enumerate(spec["layers"]):
                layer = tar(members)
                layer_id = hashlib.sha256(b"layer %d" % number).hexdigest()
                files[layer_id + "/VERSION"] = b"1.0"
                files[layer_id + "/layer.tar"] = layer
                layer_paths.append(layer_id + "/layer.tar")
                diff_ids.append("sha256:" + hashlib.sha256(layer).hexdigest())
            config = json.dumps({"rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
            config_name = hashlib.sha256(config).hexdigest() + ".json"
            files[config_name] = config
            files["manifest.json"] = json.dumps([{"Config": config_name, "RepoTags": ["demo:1"], "Layers": layer_paths}]).encode()
            return tar_bytes(files)
        if kind == "podman":
            files, diff_ids = {}, []
            for members in spec["layers"]:
                layer = tar(members)
                digest = hashlib.sha256(layer).hexdigest()
                files[digest + ".tar"] = layer
                diff_ids.append("sha256:" + digest)
            files["manifest.json"] = json.dumps([{"Config": "config.json", "RepoTags": ["demo:1"], "Layers": list(files)}]).encode()
            files["config.json"] = json.dumps({"rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
            return tar_bytes(files)
        raise SystemExit("unknown kind " + kind)

    def tar_bytes(files):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            for name, content in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
        return buffer.getvalue()

    spec = json.load(sys.stdin)
    output = sys.argv[1]
    if spec["kind"] == "oci":
        for name, content in image_files(spec["layers"]).items():
            if name == "manifest.json":
                continue
            path = os.path.join(output, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content)
    else:
        os.makedirs(os.path.dirname(output) or ".", exist_ok=True)
        with open(output, "wb") as f:
            f.write(build(spec))
    """#

  /// Writes the archive `spec` describes to `path` (a directory for `oci`).
  static func write(_ spec: [String: Any], to path: String) throws {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("archive-spec-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: spec).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let result = try run("/bin/sh", ["-c", "python3 -c \"$1\" \"$2\" < \"$3\"", "sh", builder, path, input.path])
    guard result.status == 0 else { throw TestSupportError("building \(path) failed: \(result.stderr)") }
  }
}
